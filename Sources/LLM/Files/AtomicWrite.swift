import Foundation

/// Writes `bytes` to `path` through a temporary file in the same folder and a rename, so an
/// existing file is never left half-overwritten.
func writeFileAtomically(_ bytes: [UInt8], to path: String) throws {
    let url = URL(fileURLWithPath: path)
    do {
        try Data(bytes).write(to: url, options: .atomic)
    } catch {
        throw ModelFileError(file: path, field: "not written", expected: error.localizedDescription)
    }
}
