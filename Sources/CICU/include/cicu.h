// Plain-C interface over ICU 72 for the Text module.
// WHY no ICU header here: Foundation (pulled in by XCTest) bundles its own ICU, and Swift refuses two
// modules that define UErrorCode differently. Swift only ever sees the types below.
// Every function returns a YICU_* status and, on failure, writes a NUL-terminated message into
// `err` (capacity `err_cap`). Buffers returned through `out` parameters are malloc'd: free them
// with yicu_free.
#ifndef YANFU_CICU_H
#define YANFU_CICU_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum {
    YICU_OK = 0,
    YICU_ERROR = 1,          // ICU reported a failure (message in err)
    YICU_INVALID_BYTES = 2,  // strict conversion met an invalid sequence (offset reported)
    YICU_UNKNOWN_NAME = 3,   // unknown converter or transliterator name
};

enum { YICU_BREAK_SENTENCE = 0, YICU_BREAK_WORD = 1 };
enum { YICU_NFC = 0, YICU_NFKC = 1, YICU_NFD = 2, YICU_NFKD = 3 };

void yicu_free(void *p);

/// ICU's version, e.g. "72.1".
int32_t yicu_version(char *out, size_t out_cap);

/// ICU's charset detector: up to `max` candidates as "NAME CONFIDENCE\n" lines, best first.
int32_t yicu_detect(const uint8_t *bytes, int32_t len, int32_t max, char *out, size_t out_cap, char *err, size_t err_cap);

/// The canonical ICU name of a converter alias ("gbk" -> "GBK"), or YICU_UNKNOWN_NAME.
int32_t yicu_canonical_name(const char *name, char *out, size_t out_cap, char *err, size_t err_cap);

/// Converts `len` bytes in `charset` to UTF-8 (*out, *out_len; malloc'd).
/// Strict (lossy == 0): stops at the first invalid or truncated sequence, returns
/// YICU_INVALID_BYTES and sets *invalid_offset to its byte offset in the input.
/// Lossy: each invalid sequence becomes U+FFFD and *replacements counts them.
int32_t yicu_to_utf8(const char *charset, const uint8_t *bytes, int32_t len, int32_t lossy,
                     uint8_t **out, int32_t *out_len, int32_t *invalid_offset, int32_t *replacements,
                     char *err, size_t err_cap);

/// Converts UTF-8 to `charset`; characters the charset lacks are an error (strict).
int32_t yicu_from_utf8(const char *charset, const uint8_t *utf8, int32_t len,
                       uint8_t **out, int32_t *out_len, char *err, size_t err_cap);

/// A reusable break iterator (sentence or word) for a locale such as "zh" or "en".
typedef struct yicu_breaker yicu_breaker;
int32_t yicu_breaker_open(int32_t kind, const char *locale, yicu_breaker **out, char *err, size_t err_cap);
void yicu_breaker_close(yicu_breaker *breaker);
/// Boundaries of UTF-8 text as byte offsets, 0 and len included (*offsets malloc'd).
int32_t yicu_breaker_utf8(yicu_breaker *breaker, const uint8_t *text, int32_t len,
                          int32_t **offsets, int32_t *count, char *err, size_t err_cap);
/// Boundaries of UTF-16 text as code-unit offsets, 0 and len included (*offsets malloc'd).
int32_t yicu_breaker_utf16(yicu_breaker *breaker, const uint16_t *text, int32_t len,
                           int32_t **offsets, int32_t *count, char *err, size_t err_cap);

/// Unicode normalization (YICU_NFC, YICU_NFKC, …) of UTF-8 text.
int32_t yicu_normalize_utf8(int32_t form, const uint8_t *text, int32_t len,
                            uint8_t **out, int32_t *out_len, char *err, size_t err_cap);

/// A reusable ICU transliterator, e.g. "Traditional-Simplified" or "Simplified-Traditional".
typedef struct yicu_translit yicu_translit;
int32_t yicu_translit_open(const char *id, yicu_translit **out, char *err, size_t err_cap);
void yicu_translit_close(yicu_translit *translit);
int32_t yicu_translit_utf8(yicu_translit *translit, const uint8_t *text, int32_t len,
                           uint8_t **out, int32_t *out_len, char *err, size_t err_cap);

#ifdef __cplusplus
}
#endif
#endif
