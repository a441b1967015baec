/// The shared inputs of the public test vectors (sacreBLEU 2.6.0; Eval/metrics/test_vectors.py holds the same strings).
enum TestVectors {
    static let h = [
        "The cat sat on the mat.",
        "He didn't say a word, and walked away.",
        "Li Wei looked at the sky; it was 3.5 km away.",
        "\"Master,\" she whispered, \"the sect elder is here.\"",
        "Qin Feng smiled.",
    ]
    static let r = [
        "The cat was sitting on the mat.",
        "He said nothing and walked away.",
        "Li Wei gazed at the sky, which was 3.5 km away.",
        "\"Master,\" she said softly, \"the Sect Elder has arrived.\"",
        "Qin Feng smiled faintly.",
    ]
    static let r2 = [
        "A cat sat on the mat.", "He walked away without a word.",
        "Li Wei looked at the sky; it was 3.5 km off.",
        "\"Master,\" she murmured, \"the elder of the sect is here.\"", "Qin Feng gave a smile.",
    ]
}
