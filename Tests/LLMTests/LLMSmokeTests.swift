import LLM
import XCTest

final class LLMSmokeTests: XCTestCase {
    func testModuleLinks() { _ = LLMModule.self }
}
