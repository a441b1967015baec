// Plain-C interface over libsentencepiece (filled in by the tokenizer work).
#ifndef YANFU_CSENTENCEPIECE_H
#define YANFU_CSENTENCEPIECE_H
#endif
