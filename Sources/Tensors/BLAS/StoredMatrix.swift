/// A row-major matrix operand as it sits in memory, float32 or bf16, for `BLAS.gemm`:
/// `[rows, columns]` with `leading` elements between row starts.
public struct StoredMatrix {
    /// The elements and their format.
    public enum Elements {
        /// Float32 values.
        case float32(UnsafePointer<Float>)
        /// bfloat16 bit patterns (the top half of a Float32).
        case bfloat16(UnsafePointer<UInt16>)
    }

    /// The first element.
    public var elements: Elements
    /// Stored rows.
    public var rows: Int
    /// Stored columns.
    public var columns: Int
    /// The element step between row starts (>= columns).
    public var leading: Int

    /// A matrix over existing memory; the caller keeps it alive while it is used.
    public init(elements: Elements, rows: Int, columns: Int, leading: Int) {
        self.elements = elements
        self.rows = rows
        self.columns = columns
        self.leading = leading
    }

    /// The matrix over `tensor`'s storage from its offset (float32 or bf16 storage),
    /// nil for other dtypes. The caller vouches for the geometry and keeps `tensor` alive.
    public static func over(_ tensor: Tensor, rows: Int, columns: Int, leading: Int) -> StoredMatrix? {
        let base = tensor.storage.baseAddress
        switch tensor.dtype {
        case .float32:
            let start = UnsafePointer(base.assumingMemoryBound(to: Float.self) + tensor.offset)
            return StoredMatrix(elements: .float32(start), rows: rows, columns: columns, leading: leading)
        case .bfloat16:
            let start = UnsafePointer(base.assumingMemoryBound(to: UInt16.self) + tensor.offset)
            return StoredMatrix(elements: .bfloat16(start), rows: rows, columns: columns, leading: leading)
        default:
            return nil
        }
    }
}
