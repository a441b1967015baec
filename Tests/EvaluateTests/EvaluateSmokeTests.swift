import Evaluate
import XCTest

final class EvaluateSmokeTests: XCTestCase {
    func testModuleLinks() { _ = EvaluateModule.self }
}
