// Plain-C interface over ICU 72 (filled in by the text work). Includes no ICU header.
#ifndef YANFU_CICU_H
#define YANFU_CICU_H
#endif
