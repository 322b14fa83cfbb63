import Dispatch
import Synchronization
import Testing

@testable import Tensors

/// OpenBLAS's process-wide thread count under overlapping single-threaded regions.
struct BLASThreadPolicyTests {
    @Test func overlappingRegionsKeepOneThreadInsideAndRestoreTheCountAfter() {
        // Eight threads enter and leave regions over and over, overlapping. Each checks
        // that OpenBLAS runs one thread while its region is open; when a caller saved
        // and restored the count itself, an early leaver put the full count back under
        // a later caller, and the last leaver left OpenBLAS stuck on one thread.
        let wrongInside = Atomic<Int>(0)
        DispatchQueue.concurrentPerform(iterations: 8) { _ in
            for _ in 0..<300 {
                KernelParallel.withSingleThreadedBLAS {
                    if TensorRuntime.threadCount > 1 && OpenBLASRuntime.threadCount != 1 {
                        wrongInside.add(1, ordering: .relaxed)
                    }
                }
            }
        }
        #expect(wrongInside.load(ordering: .relaxed) == 0)
        #expect(BLASThreadPolicy.isConsistent)
    }

    @Test func nestedRegionsRestoreTheConfiguredCount() {
        KernelParallel.withSingleThreadedBLAS {
            KernelParallel.withSingleThreadedBLAS {
                #expect(BLASThreadPolicy.isConsistent)
            }
            #expect(BLASThreadPolicy.isConsistent)
        }
        #expect(BLASThreadPolicy.isConsistent)
    }
}
