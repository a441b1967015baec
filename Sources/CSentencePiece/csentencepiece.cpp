#include "csentencepiece.h"

#include <sentencepiece_processor.h>
#include <sentencepiece_trainer.h>

#include <cstdlib>
#include <cstring>
#include <exception>
#include <new>
#include <string>
#include <vector>

struct spp_processor {
    sentencepiece::SentencePieceProcessor sp;
    std::vector<uint8_t> types;  // SPP_PIECE_* per id, read from the model proto
    bool add_dummy_prefix = true;  // NormalizerSpec field 3 (proto2 default true)
};

namespace {

void set_error(char *err, size_t err_len, const std::string &message) {
    if (!err || err_len == 0) return;
    size_t n = message.size() < err_len - 1 ? message.size() : err_len - 1;
    std::memcpy(err, message.data(), n);
    err[n] = 0;
}

int report(const sentencepiece::util::Status &s, char *err, size_t err_len) {
    if (s.ok()) return SPP_OK;
    set_error(err, err_len, s.ToString());
    int code = static_cast<int>(s.code());
    return code == 0 ? SPP_ERROR_INTERNAL : code;
}

// Runs `body`, turning any C++ exception into an error status.
template <typename F>
int guarded(char *err, size_t err_len, F body) {
    try {
        return body();
    } catch (const std::exception &e) {
        set_error(err, err_len, std::string("sentencepiece: ") + e.what());
    } catch (...) {
        set_error(err, err_len, "sentencepiece: unknown C++ exception");
    }
    return SPP_ERROR_INTERNAL;
}

bool read_varint(const uint8_t *&p, const uint8_t *end, uint64_t &v) {
    v = 0;
    for (int shift = 0; shift < 64 && p < end; shift += 7) {
        uint8_t b = *p++;
        v |= uint64_t(b & 0x7F) << shift;
        if (!(b & 0x80)) return true;
    }
    return false;
}

// Skips one protobuf field of wire type `wt`; false on malformed input.
bool skip_field(const uint8_t *&p, const uint8_t *end, uint64_t wt) {
    uint64_t v;
    switch (wt) {
    case 0: return read_varint(p, end, v);
    case 1: if (end - p < 8) return false; p += 8; return true;
    case 2: if (!read_varint(p, end, v) || v > uint64_t(end - p)) return false; p += v; return true;
    case 5: if (end - p < 4) return false; p += 4; return true;
    default: return false;
    }
}

// The processor API has no "is user-defined" query, so read each piece's type (ModelProto field 1
// = repeated SentencePiece, whose field 3 = type, default NORMAL) from the serialized proto.
void load_types(spp_processor *p) {
    p->types.clear();
    p->add_dummy_prefix = true;
    std::string proto = p->sp.serialized_model_proto();
    const uint8_t *q = reinterpret_cast<const uint8_t *>(proto.data()), *end = q + proto.size();
    while (q < end) {
        uint64_t key;
        if (!read_varint(q, end, key)) break;
        if (key == ((1 << 3) | 2)) {
            uint64_t len;
            if (!read_varint(q, end, len) || len > uint64_t(end - q)) break;
            const uint8_t *r = q, *rend = q + len;
            uint8_t type = SPP_PIECE_NORMAL;
            while (r < rend) {
                uint64_t k, v;
                if (!read_varint(r, rend, k)) break;
                if (k == ((3 << 3) | 0)) {
                    if (!read_varint(r, rend, v)) break;
                    type = uint8_t(v);
                } else if (!skip_field(r, rend, k & 7)) {
                    break;
                }
            }
            p->types.push_back(type);
            q = rend;
        } else if (key == ((3 << 3) | 2)) {  // normalizer_spec
            uint64_t len;
            if (!read_varint(q, end, len) || len > uint64_t(end - q)) break;
            const uint8_t *r = q, *rend = q + len;
            while (r < rend) {
                uint64_t k, v;
                if (!read_varint(r, rend, k)) break;
                if (k == ((3 << 3) | 0)) {
                    if (!read_varint(r, rend, v)) break;
                    p->add_dummy_prefix = v != 0;
                } else if (!skip_field(r, rend, k & 7)) {
                    break;
                }
            }
            q = rend;
        } else if (!skip_field(q, end, key & 7)) {
            break;
        }
    }
}

bool in_range(const spp_processor *p, int32_t id) {
    return p && id >= 0 && id < p->sp.GetPieceSize();
}

}  // namespace

extern "C" {

spp_processor *spp_create(void) {
    try {
        return new spp_processor();
    } catch (...) {
        return nullptr;
    }
}

void spp_free(spp_processor *p) { delete p; }

int spp_load_file(spp_processor *p, const char *path, char *err, size_t err_len) {
    return guarded(err, err_len, [&] {
        int rc = report(p->sp.Load(path), err, err_len);
        if (rc == SPP_OK) load_types(p);
        return rc;
    });
}

int spp_load_proto(spp_processor *p, const void *bytes, size_t len, char *err, size_t err_len) {
    return guarded(err, err_len, [&] {
        int rc = report(p->sp.LoadFromSerializedProto(
                            absl::string_view(static_cast<const char *>(bytes), len)),
                        err, err_len);
        if (rc == SPP_OK) load_types(p);
        return rc;
    });
}

int spp_encode(const spp_processor *p, const char *text, size_t len, int32_t **ids, size_t *count,
               char *err, size_t err_len) {
    *ids = nullptr;
    *count = 0;
    return guarded(err, err_len, [&] {
        std::vector<int> out;
        int rc = report(p->sp.Encode(absl::string_view(text, len), &out), err, err_len);
        if (rc != SPP_OK) return rc;
        int32_t *buf = static_cast<int32_t *>(std::malloc((out.size() ? out.size() : 1) * sizeof(int32_t)));
        if (!buf) throw std::bad_alloc();
        for (size_t i = 0; i < out.size(); i++) buf[i] = out[i];
        *ids = buf;
        *count = out.size();
        return int(SPP_OK);
    });
}

int spp_decode(const spp_processor *p, const int32_t *ids, size_t count, char **text, size_t *len,
               char *err, size_t err_len) {
    *text = nullptr;
    *len = 0;
    return guarded(err, err_len, [&] {
        std::vector<int> in;
        in.reserve(count);
        int size = p->sp.GetPieceSize();
        for (size_t i = 0; i < count; i++) {
            if (ids[i] < 0 || ids[i] >= size) {
                set_error(err, err_len, "id " + std::to_string(ids[i]) + " is outside the vocabulary (size " +
                                            std::to_string(size) + ")");
                return int(SPP_ERROR_OUT_OF_RANGE);
            }
            in.push_back(ids[i]);
        }
        std::string out;
        int rc = report(p->sp.Decode(in, &out), err, err_len);
        if (rc != SPP_OK) return rc;
        char *buf = static_cast<char *>(std::malloc(out.size() + 1));
        if (!buf) throw std::bad_alloc();
        std::memcpy(buf, out.data(), out.size());
        buf[out.size()] = 0;
        *text = buf;
        *len = out.size();
        return int(SPP_OK);
    });
}

void spp_free_ids(int32_t *ids) { std::free(ids); }
void spp_free_text(char *text) { std::free(text); }

int spp_vocab_size(const spp_processor *p) { return p ? p->sp.GetPieceSize() : 0; }

int spp_piece(const spp_processor *p, int32_t id, char **text, size_t *len) {
    *text = nullptr;
    *len = 0;
    if (!in_range(p, id)) return SPP_ERROR_OUT_OF_RANGE;
    return guarded(nullptr, 0, [&] {
        const std::string &s = p->sp.IdToPiece(id);
        char *buf = static_cast<char *>(std::malloc(s.size() + 1));
        if (!buf) throw std::bad_alloc();
        std::memcpy(buf, s.data(), s.size());
        buf[s.size()] = 0;
        *text = buf;
        *len = s.size();
        return int(SPP_OK);
    });
}

float spp_score(const spp_processor *p, int32_t id) { return in_range(p, id) ? p->sp.GetScore(id) : 0.0f; }

int spp_piece_type(const spp_processor *p, int32_t id) {
    if (!in_range(p, id) || size_t(id) >= p->types.size()) return 0;
    return p->types[id];
}

int32_t spp_piece_to_id(const spp_processor *p, const char *piece, size_t len) {
    try {
        return p->sp.PieceToId(absl::string_view(piece, len));
    } catch (...) {
        return p->sp.unk_id();
    }
}

int spp_add_dummy_prefix(const spp_processor *p) { return p && p->add_dummy_prefix ? 1 : 0; }

int32_t spp_unk_id(const spp_processor *p) { return p->sp.unk_id(); }
int32_t spp_bos_id(const spp_processor *p) { return p->sp.bos_id(); }
int32_t spp_eos_id(const spp_processor *p) { return p->sp.eos_id(); }
int32_t spp_pad_id(const spp_processor *p) { return p->sp.pad_id(); }

int spp_train(const char *options, char *err, size_t err_len) {
    return guarded(err, err_len, [&] {
        return report(sentencepiece::SentencePieceTrainer::Train(absl::string_view(options)), err, err_len);
    });
}

}  // extern "C"
