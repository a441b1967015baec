import Base

/// `DurableFile.write`, failing with the model-file error the LLM layer reports.
func writeFileAtomically(_ bytes: [UInt8], to path: String) throws {
    do { try DurableFile.write(bytes, to: path) } catch {
        throw ModelFileError(file: path, field: "not written", expected: error.detail)
    }
}
