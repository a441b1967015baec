import Translate
import XCTest

final class TranslateSmokeTests: XCTestCase {
    func testModuleLinks() { _ = TranslateModule.self }
}
