import CBLAS
import XCTest

final class BLASTests: XCTestCase {
    func testPlaceholder() {}
}
