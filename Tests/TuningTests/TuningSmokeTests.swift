import Testing
@testable import Tuning

@Test func tuningModuleLinks() {
    #expect(String(describing: TuningModule.self) == "TuningModule")
}
