// Plain-C interface over libsentencepiece 0.1.97 (C++17), so Swift needs no C++ interop.
// Every fallible call returns a status (0 = ok, otherwise SentencePiece's util::StatusCode or
// SPP_ERROR_*) and writes a NUL-terminated message into the caller's `err` buffer (may be NULL).
// No C++ exception crosses this boundary; nothing here aborts the process.
#ifndef YANFU_CSENTENCEPIECE_H
#define YANFU_CSENTENCEPIECE_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum {
    SPP_OK = 0,
    SPP_ERROR_INTERNAL = 13,        // util::StatusCode::kInternal
    SPP_ERROR_OUT_OF_RANGE = 11,    // util::StatusCode::kOutOfRange
};

/// Piece types, numbered as in sentencepiece_model.proto (and GGUF's token_type).
enum {
    SPP_PIECE_NORMAL = 1, SPP_PIECE_UNKNOWN = 2, SPP_PIECE_CONTROL = 3,
    SPP_PIECE_USER_DEFINED = 4, SPP_PIECE_UNUSED = 5, SPP_PIECE_BYTE = 6,
};

typedef struct spp_processor spp_processor;

/// A new, empty processor (NULL only if out of memory). Free with spp_free.
spp_processor *spp_create(void);
void spp_free(spp_processor *p);

/// Loads a `.model` file.
int spp_load_file(spp_processor *p, const char *path, char *err, size_t err_len);
/// Loads a serialized ModelProto.
int spp_load_proto(spp_processor *p, const void *bytes, size_t len, char *err, size_t err_len);

/// Encodes UTF-8 `text` (`len` bytes) to ids (no BOS/EOS). `*ids` is malloc'd: spp_free_ids.
int spp_encode(const spp_processor *p, const char *text, size_t len, int32_t **ids, size_t *count,
               char *err, size_t err_len);
/// Decodes ids to UTF-8. `*text` is malloc'd (NUL-terminated; `*len` excludes it): spp_free_text.
int spp_decode(const spp_processor *p, const int32_t *ids, size_t count, char **text, size_t *len,
               char *err, size_t err_len);
void spp_free_ids(int32_t *ids);
void spp_free_text(char *text);

/// Vocabulary; ids out of range give SPP_ERROR_OUT_OF_RANGE / -1 / 0.
int spp_vocab_size(const spp_processor *p);
/// The piece text of `id` (malloc'd copy: spp_free_text).
int spp_piece(const spp_processor *p, int32_t id, char **text, size_t *len);
float spp_score(const spp_processor *p, int32_t id);
/// SPP_PIECE_* of `id`, or 0 when out of range.
int spp_piece_type(const spp_processor *p, int32_t id);
/// The id of a piece, or the unknown id when absent.
int32_t spp_piece_to_id(const spp_processor *p, const char *piece, size_t len);
/// 1 if the model's normalizer adds a leading space ("dummy prefix") to each encoded text.
int spp_add_dummy_prefix(const spp_processor *p);
int32_t spp_unk_id(const spp_processor *p);
int32_t spp_bos_id(const spp_processor *p);
int32_t spp_eos_id(const spp_processor *p);
int32_t spp_pad_id(const spp_processor *p);

/// Trains a model; `options` is spm_train's command line, e.g.
/// "--input=a.txt --model_prefix=/tmp/m --vocab_size=400 --byte_fallback=true".
int spp_train(const char *options, char *err, size_t err_len);

#ifdef __cplusplus
}
#endif

#endif
