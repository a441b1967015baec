// ICU 72 behind a plain-C header (see include/cicu.h for why).
#include "cicu.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/ubrk.h>
#include <unicode/ucnv.h>
#include <unicode/ucnv_err.h>
#include <unicode/ucnv_cb.h>
#include <unicode/ucsdet.h>
#include <unicode/uclean.h>
#include <unicode/unorm2.h>
#include <unicode/ustring.h>
#include <unicode/utext.h>
#include <unicode/utrans.h>
#include <unicode/uversion.h>

static int32_t fail(int32_t status, char *err, size_t cap, const char *what, UErrorCode code) {
    if (err && cap > 0) snprintf(err, cap, "%s: %s", what, u_errorName(code));
    return status;
}

static int32_t fail_msg(int32_t status, char *err, size_t cap, const char *msg) {
    if (err && cap > 0) snprintf(err, cap, "%s", msg);
    return status;
}

void yicu_free(void *p) { free(p); }

int32_t yicu_version(char *out, size_t out_cap) {
    UVersionInfo v;
    char s[U_MAX_VERSION_STRING_LENGTH];
    u_getVersion(v);
    u_versionToString(v, s);
    snprintf(out, out_cap, "%s", s);
    return YICU_OK;
}

int32_t yicu_detect(const uint8_t *bytes, int32_t len, int32_t max, char *out, size_t out_cap, char *err, size_t err_cap) {
    UErrorCode st = U_ZERO_ERROR;
    UCharsetDetector *d = ucsdet_open(&st);
    if (U_FAILURE(st)) return fail(YICU_ERROR, err, err_cap, "ucsdet_open", st);
    ucsdet_setText(d, (const char *)bytes, len, &st);
    int32_t n = 0;
    const UCharsetMatch **all = ucsdet_detectAll(d, &n, &st);
    if (U_FAILURE(st)) { ucsdet_close(d); return fail(YICU_ERROR, err, err_cap, "ucsdet_detectAll", st); }
    size_t used = 0;
    if (out_cap > 0) out[0] = 0;
    for (int32_t i = 0; i < n && i < max; i++) {
        const char *name = ucsdet_getName(all[i], &st);
        int32_t conf = ucsdet_getConfidence(all[i], &st);
        if (U_FAILURE(st)) break;
        int w = snprintf(out + used, out_cap - used, "%s %d\n", name, conf);
        if (w < 0 || (size_t)w >= out_cap - used) break;
        used += (size_t)w;
    }
    ucsdet_close(d);
    return YICU_OK;
}

int32_t yicu_canonical_name(const char *name, char *out, size_t out_cap, char *err, size_t err_cap) {
    UErrorCode st = U_ZERO_ERROR;
    UConverter *c = ucnv_open(name, &st);
    if (U_FAILURE(st)) {
        return fail(YICU_UNKNOWN_NAME, err, err_cap, "ucnv_open", st);
    }
    const char *canonical = ucnv_getName(c, &st);
    snprintf(out, out_cap, "%s", U_SUCCESS(st) ? canonical : name);
    ucnv_close(c);
    return YICU_OK;
}

// Lossy mode: every invalid sequence becomes one U+FFFD, counted.
static void count_substitute(const void *context, UConverterToUnicodeArgs *args, const char *bad, int32_t bad_len,
                             UConverterCallbackReason reason, UErrorCode *st) {
    (void)bad; (void)bad_len;
    if (reason > UCNV_IRREGULAR) return;  // reset, close, clone
    ++*(int32_t *)context;
    *st = U_ZERO_ERROR;
    static const UChar replacement = 0xFFFD;
    ucnv_cbToUWriteUChars(args, &replacement, 1, 0, st);
}

// UTF-16 -> malloc'd UTF-8.
static int32_t utf16_to_utf8(const UChar *u, int32_t ulen, uint8_t **out, int32_t *out_len, char *err, size_t err_cap) {
    UErrorCode st = U_ZERO_ERROR;
    int32_t need = 0;
    u_strToUTF8(NULL, 0, &need, u, ulen, &st);
    if (st != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(st)) return fail(YICU_ERROR, err, err_cap, "u_strToUTF8", st);
    st = U_ZERO_ERROR;
    char *buf = malloc((size_t)need + 1);
    if (!buf) return fail_msg(YICU_ERROR, err, err_cap, "out of memory");
    u_strToUTF8(buf, need + 1, NULL, u, ulen, &st);
    if (U_FAILURE(st)) { free(buf); return fail(YICU_ERROR, err, err_cap, "u_strToUTF8", st); }
    *out = (uint8_t *)buf;
    *out_len = need;
    return YICU_OK;
}

// UTF-8 -> malloc'd UTF-16 (invalid UTF-8 becomes U+FFFD; Swift strings are always valid).
static int32_t utf8_to_utf16(const uint8_t *text, int32_t len, UChar **out, int32_t *out_len, char *err, size_t err_cap) {
    UErrorCode st = U_ZERO_ERROR;
    int32_t need = 0;
    u_strFromUTF8WithSub(NULL, 0, &need, (const char *)text, len, 0xFFFD, NULL, &st);
    if (st != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(st)) return fail(YICU_ERROR, err, err_cap, "u_strFromUTF8", st);
    st = U_ZERO_ERROR;
    UChar *buf = malloc(sizeof(UChar) * ((size_t)need + 1));
    if (!buf) return fail_msg(YICU_ERROR, err, err_cap, "out of memory");
    u_strFromUTF8WithSub(buf, need + 1, NULL, (const char *)text, len, 0xFFFD, NULL, &st);
    if (U_FAILURE(st)) { free(buf); return fail(YICU_ERROR, err, err_cap, "u_strFromUTF8", st); }
    *out = buf;
    *out_len = need;
    return YICU_OK;
}

int32_t yicu_to_utf8(const char *charset, const uint8_t *bytes, int32_t len, int32_t lossy,
                     uint8_t **out, int32_t *out_len, int32_t *invalid_offset, int32_t *replacements,
                     char *err, size_t err_cap) {
    UErrorCode st = U_ZERO_ERROR;
    *invalid_offset = -1;
    *replacements = 0;
    UConverter *c = ucnv_open(charset, &st);
    if (U_FAILURE(st)) return fail(YICU_UNKNOWN_NAME, err, err_cap, charset, st);
    if (lossy) {
        ucnv_setToUCallBack(c, count_substitute, replacements, NULL, NULL, &st);
    } else {
        ucnv_setToUCallBack(c, UCNV_TO_U_CALLBACK_STOP, NULL, NULL, NULL, &st);
    }
    if (U_FAILURE(st)) { ucnv_close(c); return fail(YICU_ERROR, err, err_cap, "ucnv_setToUCallBack", st); }
    // Every input byte yields at most two UTF-16 units (4-byte GB18030 -> surrogate pair: 2 <= 4).
    int32_t cap = len + 16;
    UChar *u = malloc(sizeof(UChar) * (size_t)cap);
    if (!u) { ucnv_close(c); return fail_msg(YICU_ERROR, err, err_cap, "out of memory"); }
    UChar *target = u;
    const char *source = (const char *)bytes;
    ucnv_toUnicode(c, &target, u + cap, &source, (const char *)bytes + len, NULL, 1, &st);
    if (st == U_ILLEGAL_CHAR_FOUND || st == U_INVALID_CHAR_FOUND || st == U_TRUNCATED_CHAR_FOUND) {
        char bad[32];
        int8_t bad_len = sizeof bad;
        UErrorCode st2 = U_ZERO_ERROR;
        ucnv_getInvalidChars(c, bad, &bad_len, &st2);
        *invalid_offset = (int32_t)(source - (const char *)bytes) - (U_SUCCESS(st2) ? bad_len : 0);
        free(u);
        ucnv_close(c);
        if (err && err_cap) snprintf(err, err_cap, "invalid %s byte sequence at offset %d", charset, *invalid_offset);
        return YICU_INVALID_BYTES;
    }
    if (U_FAILURE(st)) { free(u); ucnv_close(c); return fail(YICU_ERROR, err, err_cap, "ucnv_toUnicode", st); }
    ucnv_close(c);
    int32_t r = utf16_to_utf8(u, (int32_t)(target - u), out, out_len, err, err_cap);
    free(u);
    return r;
}

int32_t yicu_from_utf8(const char *charset, const uint8_t *utf8, int32_t len,
                       uint8_t **out, int32_t *out_len, char *err, size_t err_cap) {
    UChar *u = NULL;
    int32_t ulen = 0;
    int32_t r = utf8_to_utf16(utf8, len, &u, &ulen, err, err_cap);
    if (r != YICU_OK) return r;
    UErrorCode st = U_ZERO_ERROR;
    UConverter *c = ucnv_open(charset, &st);
    if (U_FAILURE(st)) { free(u); return fail(YICU_UNKNOWN_NAME, err, err_cap, charset, st); }
    ucnv_setFromUCallBack(c, UCNV_FROM_U_CALLBACK_STOP, NULL, NULL, NULL, &st);
    int32_t cap = ulen * 4 + 16;
    char *buf = malloc((size_t)cap);
    if (!buf) { free(u); ucnv_close(c); return fail_msg(YICU_ERROR, err, err_cap, "out of memory"); }
    int32_t n = ucnv_fromUChars(c, buf, cap, u, ulen, &st);
    free(u);
    ucnv_close(c);
    if (U_FAILURE(st)) { free(buf); return fail(YICU_ERROR, err, err_cap, "ucnv_fromUChars (a character the charset cannot encode?)", st); }
    *out = (uint8_t *)buf;
    *out_len = n;
    return YICU_OK;
}

struct yicu_breaker {
    UBreakIterator *it;
    UText *text;
};

int32_t yicu_breaker_open(int32_t kind, const char *locale, yicu_breaker **out, char *err, size_t err_cap) {
    UErrorCode st = U_ZERO_ERROR;
    UBreakIterator *it = ubrk_open(kind == YICU_BREAK_WORD ? UBRK_WORD : UBRK_SENTENCE, locale, NULL, 0, &st);
    if (U_FAILURE(st)) return fail(YICU_ERROR, err, err_cap, "ubrk_open", st);
    yicu_breaker *b = calloc(1, sizeof *b);
    if (!b) { ubrk_close(it); return fail_msg(YICU_ERROR, err, err_cap, "out of memory"); }
    b->it = it;
    *out = b;
    return YICU_OK;
}

void yicu_breaker_close(yicu_breaker *b) {
    if (!b) return;
    ubrk_close(b->it);
    if (b->text) utext_close(b->text);
    free(b);
}

static int32_t collect(UBreakIterator *it, int32_t len, int32_t **offsets, int32_t *count, char *err, size_t err_cap) {
    int32_t cap = 64, n = 0;
    int32_t *buf = malloc(sizeof(int32_t) * (size_t)cap);
    if (!buf) return fail_msg(YICU_ERROR, err, err_cap, "out of memory");
    for (int32_t p = ubrk_first(it); p != UBRK_DONE; p = ubrk_next(it)) {
        if (n == cap) {
            cap *= 2;
            int32_t *grown = realloc(buf, sizeof(int32_t) * (size_t)cap);
            if (!grown) { free(buf); return fail_msg(YICU_ERROR, err, err_cap, "out of memory"); }
            buf = grown;
        }
        buf[n++] = p;
    }
    if (n == 0 || buf[n - 1] != len) {  // empty text: ICU yields only 0
        if (n == cap) { int32_t *g = realloc(buf, sizeof(int32_t) * (size_t)(cap + 1)); if (!g) { free(buf); return fail_msg(YICU_ERROR, err, err_cap, "out of memory"); } buf = g; }
        if (n == 0 || buf[n - 1] != len) buf[n++] = len;
    }
    *offsets = buf;
    *count = n;
    return YICU_OK;
}

int32_t yicu_breaker_utf8(yicu_breaker *b, const uint8_t *text, int32_t len,
                          int32_t **offsets, int32_t *count, char *err, size_t err_cap) {
    UErrorCode st = U_ZERO_ERROR;
    b->text = utext_openUTF8(b->text, (const char *)text, len, &st);
    if (U_FAILURE(st)) return fail(YICU_ERROR, err, err_cap, "utext_openUTF8", st);
    ubrk_setUText(b->it, b->text, &st);
    if (U_FAILURE(st)) return fail(YICU_ERROR, err, err_cap, "ubrk_setUText", st);
    int32_t r = collect(b->it, len, offsets, count, err, err_cap);
    // Detach from the caller's buffer so nothing dangles after return.
    static const uint16_t empty = 0;
    UErrorCode st2 = U_ZERO_ERROR;
    ubrk_setText(b->it, &empty, 0, &st2);
    return r;
}

int32_t yicu_breaker_utf16(yicu_breaker *b, const uint16_t *text, int32_t len,
                           int32_t **offsets, int32_t *count, char *err, size_t err_cap) {
    UErrorCode st = U_ZERO_ERROR;
    ubrk_setText(b->it, (const UChar *)text, len, &st);
    if (U_FAILURE(st)) return fail(YICU_ERROR, err, err_cap, "ubrk_setText", st);
    int32_t r = collect(b->it, len, offsets, count, err, err_cap);
    static const uint16_t empty = 0;
    UErrorCode st2 = U_ZERO_ERROR;
    ubrk_setText(b->it, &empty, 0, &st2);
    return r;
}

int32_t yicu_normalize_utf8(int32_t form, const uint8_t *text, int32_t len,
                            uint8_t **out, int32_t *out_len, char *err, size_t err_cap) {
    UErrorCode st = U_ZERO_ERROR;
    const UNormalizer2 *n;
    switch (form) {
    case YICU_NFC: n = unorm2_getNFCInstance(&st); break;
    case YICU_NFKC: n = unorm2_getNFKCInstance(&st); break;
    case YICU_NFD: n = unorm2_getNFDInstance(&st); break;
    case YICU_NFKD: n = unorm2_getNFKDInstance(&st); break;
    default: return fail_msg(YICU_ERROR, err, err_cap, "unknown normalization form");
    }
    if (U_FAILURE(st)) return fail(YICU_ERROR, err, err_cap, "unorm2_getInstance", st);
    UChar *u = NULL;
    int32_t ulen = 0;
    int32_t r = utf8_to_utf16(text, len, &u, &ulen, err, err_cap);
    if (r != YICU_OK) return r;
    int32_t need = unorm2_normalize(n, u, ulen, NULL, 0, &st);
    if (st != U_BUFFER_OVERFLOW_ERROR && U_FAILURE(st)) { free(u); return fail(YICU_ERROR, err, err_cap, "unorm2_normalize", st); }
    st = U_ZERO_ERROR;
    UChar *v = malloc(sizeof(UChar) * ((size_t)need + 1));
    if (!v) { free(u); return fail_msg(YICU_ERROR, err, err_cap, "out of memory"); }
    unorm2_normalize(n, u, ulen, v, need + 1, &st);
    free(u);
    if (U_FAILURE(st)) { free(v); return fail(YICU_ERROR, err, err_cap, "unorm2_normalize", st); }
    r = utf16_to_utf8(v, need, out, out_len, err, err_cap);
    free(v);
    return r;
}

struct yicu_translit { UTransliterator *t; };

int32_t yicu_translit_open(const char *id, yicu_translit **out, char *err, size_t err_cap) {
    UChar uid[128];
    UErrorCode st = U_ZERO_ERROR;
    u_strFromUTF8(uid, 128, NULL, id, -1, &st);
    if (U_FAILURE(st)) return fail(YICU_UNKNOWN_NAME, err, err_cap, id, st);
    UTransliterator *t = utrans_openU(uid, -1, UTRANS_FORWARD, NULL, 0, NULL, &st);
    if (U_FAILURE(st)) return fail(YICU_UNKNOWN_NAME, err, err_cap, id, st);
    yicu_translit *x = malloc(sizeof *x);
    if (!x) { utrans_close(t); return fail_msg(YICU_ERROR, err, err_cap, "out of memory"); }
    x->t = t;
    *out = x;
    return YICU_OK;
}

void yicu_translit_close(yicu_translit *x) {
    if (!x) return;
    utrans_close(x->t);
    free(x);
}

int32_t yicu_translit_utf8(yicu_translit *x, const uint8_t *text, int32_t len,
                           uint8_t **out, int32_t *out_len, char *err, size_t err_cap) {
    UChar *u = NULL;
    int32_t ulen = 0;
    int32_t r = utf8_to_utf16(text, len, &u, &ulen, err, err_cap);
    if (r != YICU_OK) return r;
    // Transliteration may lengthen the text; retry with the size ICU asks for.
    int32_t cap = ulen + ulen / 4 + 16;
    for (int attempt = 0; attempt < 2; attempt++) {
        UChar *buf = malloc(sizeof(UChar) * (size_t)cap);
        if (!buf) { free(u); return fail_msg(YICU_ERROR, err, err_cap, "out of memory"); }
        memcpy(buf, u, sizeof(UChar) * (size_t)ulen);
        int32_t textLength = ulen, limit = ulen;
        UErrorCode st = U_ZERO_ERROR;
        utrans_transUChars(x->t, buf, &textLength, cap, 0, &limit, &st);
        if (st == U_BUFFER_OVERFLOW_ERROR && attempt == 0) { free(buf); cap = textLength + 16; continue; }
        if (U_FAILURE(st)) { free(buf); free(u); return fail(YICU_ERROR, err, err_cap, "utrans_transUChars", st); }
        free(u);
        r = utf16_to_utf8(buf, textLength, out, out_len, err, err_cap);
        free(buf);
        return r;
    }
    free(u);
    return fail_msg(YICU_ERROR, err, err_cap, "utrans_transUChars: buffer overflow");
}
