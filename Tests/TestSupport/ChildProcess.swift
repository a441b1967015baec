import Foundation

/// A program the tests run (the `yanfu` binary, a Debian tool), its stdout and stderr read as they
/// arrive, so a chatty child never blocks on a full pipe.
public enum ChildProcess {
    /// One stream of a child (stdout or stderr), collected as it arrives.
    public final class Output: @unchecked Sendable {
        private let lock = NSLock()
        private var data = Data()
        private let ended = DispatchSemaphore(value: 0)

        /// Reads `pipe` on a background queue until end of file.
        init(_ pipe: Pipe) {
            pipe.fileHandleForReading.readabilityHandler = { [self] h in
                let d = h.availableData
                if d.isEmpty {
                    h.readabilityHandler = nil
                    ended.signal()
                } else {
                    lock.lock(); data.append(d); lock.unlock()
                }
            }
        }

        public var value: String { lock.lock(); defer { lock.unlock() }; return String(decoding: data, as: UTF8.self) }

        /// Waits (up to `seconds`) until the writer closed the stream (after the process ended).
        public func waitForEnd(seconds: Double = 10) { _ = ended.wait(timeout: .now() + seconds) }
    }

    /// Starts `executable` (in folder `cwd` when given; with `input` on its stdin); returns the
    /// process and its live stdout and stderr.
    public static func start(_ executable: String, _ args: [String], in cwd: String? = nil,
                             input: String? = nil) throws -> (Process, stdout: Output, stderr: Output) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = args
        if let cwd { p.currentDirectoryURL = URL(fileURLWithPath: cwd) }
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        let inPipe = input.map { _ in Pipe() }
        p.standardInput = inPipe ?? FileHandle.nullDevice
        let o = Output(out), e = Output(err)
        try p.run()
        if let inPipe, let input {
            inPipe.fileHandleForWriting.write(Data(input.utf8))
            try inPipe.fileHandleForWriting.close()
        }
        return (p, o, e)
    }

    /// Runs `executable` to its end: exit status, stdout, stderr.
    public static func run(_ executable: String, _ args: [String], in cwd: String? = nil,
                           input: String? = nil) throws -> (status: Int32, stdout: String, stderr: String) {
        let (p, out, err) = try start(executable, args, in: cwd, input: input)
        p.waitUntilExit()
        out.waitForEnd()
        err.waitForEnd()
        return (p.terminationStatus, out.value, err.value)
    }
}
