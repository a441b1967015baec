import Kernels
import XCTest

final class KernelsSmokeTests: XCTestCase {
    func testModuleLinks() { _ = KernelsModule.self }
}
