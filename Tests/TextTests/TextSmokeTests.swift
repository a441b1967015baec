import Text
import XCTest

final class TextSmokeTests: XCTestCase {
    func testModuleLinks() { _ = TextModule.self }
}
