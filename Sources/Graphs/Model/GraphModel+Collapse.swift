// MARK: - Collapsing repeated blocks

extension GraphModel {
    /// The graph with each run of consecutive, identically structured numbered blocks
    /// (`model.layers.0` … `model.layers.7`) drawn once.
    ///
    /// The first block of a run stands for all of them: its cluster is captioned
    /// `model.layers.0-7 ×8`, edges into and out of any copy attach to it, and the
    /// edges from one copy to the next become one `.repeated` edge. Blocks are
    /// identical when their nodes, in topological order, have the same labels (with
    /// the block path removed), kinds, shapes, dtypes and module sub-paths, and their
    /// internal edges match. Cost: O(nodes + edges) plus sorting the block keys.
    public func collapsingRepeatedBlocks() -> GraphModel {
        let blocks = blockMembers()
        var representative = Array(nodes.indices)
        var removed = Set<Int>()
        var labels = clusterLabels
        var copies: [Int: Int] = [:]
        var membership: [Int: RunMember] = [:]

        for (prefix, members) in blocks.sorted(by: { $0.key < $1.key }) {
            let indices = members.keys.sorted()
            let signatures = indices.map { index in
                blockSignature(members[index] ?? [], blockPath: "\(prefix).\(index)")
            }
            for run in Self.runs(indices: indices, signatures: signatures) where run.count > 1 {
                guard let first = run.first, let last = run.last,
                    let kept = members[first]
                else { continue }
                for index in run.dropFirst() {
                    for (position, id) in (members[index] ?? []).enumerated()
                    where position < kept.count {
                        representative[id] = kept[position]
                        removed.insert(id)
                    }
                }
                for index in run {
                    for id in members[index] ?? [] {
                        membership[id] = RunMember(run: "\(prefix).\(first)", block: index)
                    }
                }
                labels["\(prefix).\(first)"] = "\(prefix).\(first)-\(last) ×\(run.count)"
                for id in kept { copies[id] = run.count }
            }
        }
        guard !removed.isEmpty else { return self }
        return rebuilt(
            keeping: removed, representative: representative, labels: labels, copies: copies,
            membership: membership)
    }

    /// Where a node of a collapsed run came from: the run (its first block's path) and
    /// the block index.
    private struct RunMember: Equatable {
        var run: String
        var block: Int
    }

    /// Node ids grouped by block prefix (`model.layers`) and index, in topological order.
    private func blockMembers() -> [String: [Int: [Int]]] {
        var blocks: [String: [Int: [Int]]] = [:]
        for node in nodes {
            guard let block = ModulePath.block(of: node.modulePath) else { continue }
            blocks[block.prefix, default: [:]][block.index, default: []].append(node.id)
        }
        return blocks
    }

    /// Maximal runs of consecutive indices whose signatures are equal.
    private static func runs(indices: [Int], signatures: [BlockSignature]) -> [[Int]] {
        var runs: [[Int]] = []
        for (position, index) in indices.enumerated() {
            if let previous = runs.last?.last, previous + 1 == index,
                signatures[position - 1] == signatures[position]
            {
                runs[runs.count - 1].append(index)
            } else {
                runs.append([index])
            }
        }
        return runs
    }

    /// What must match for two blocks to be drawn as one.
    private struct BlockSignature: Equatable {
        struct Member: Equatable {
            var label: String
            var kind: GraphNode.Kind
            var shape: [Int]?
            var dtype: String?
            var requiresGrad: Bool
            var subPath: String
            var details: [String]
        }
        struct Link: Equatable, Comparable {
            var source: Int
            var target: Int
            var label: String
            static func < (lhs: Link, rhs: Link) -> Bool {
                (lhs.source, lhs.target, lhs.label) < (rhs.source, rhs.target, rhs.label)
            }
        }
        var members: [Member]
        var links: [Link]
    }

    private func blockSignature(_ ids: [Int], blockPath: String) -> BlockSignature {
        var position: [Int: Int] = [:]
        for (offset, id) in ids.enumerated() { position[id] = offset }
        let members = ids.map { id in
            let node = nodes[id]
            return BlockSignature.Member(
                label: ModulePath.removingBlock(blockPath, from: node.label), kind: node.kind,
                shape: node.shape, dtype: node.dtype, requiresGrad: node.requiresGrad,
                subPath: ModulePath.relative(node.modulePath, to: blockPath),
                details: node.details)
        }
        var links: [BlockSignature.Link] = []
        for edge in edges {
            guard let source = position[edge.source], let target = position[edge.target]
            else { continue }
            links.append(.init(source: source, target: target, label: edge.label ?? ""))
        }
        return BlockSignature(members: members, links: links.sorted())
    }

    /// A copy without the `removed` nodes, their edges redirected to representatives.
    private func rebuilt(
        keeping removed: Set<Int>, representative: [Int], labels: [String: String],
        copies: [Int: Int], membership: [Int: RunMember]
    ) -> GraphModel {
        var result = GraphModel(title: title)
        result.clusterLabels = labels
        result.clusterCaptions = clusterCaptions  // removed blocks' clusters are never drawn
        var newID: [Int: Int] = [:]
        for node in nodes where !removed.contains(node.id) {
            var details = node.details
            if let count = copies[node.id], node.kind != .op, node.kind != .constant {
                details.append("×\(count)")
            }
            newID[node.id] = result.addNode(
                label: node.label, kind: node.kind, shape: node.shape, dtype: node.dtype,
                requiresGrad: node.requiresGrad, modulePath: node.modulePath, details: details)
        }
        for node in nodes where node.isOutput {
            if let id = newID[representative[node.id]] { result.markOutput(id) }
        }
        for row in rows {
            let kept = row.compactMap { removed.contains($0) ? nil : newID[$0] }
            if kept.count == row.count { result.addRow(kept) }
        }
        var seen = Set<GraphEdge>()
        for edge in edges {
            guard let source = newID[representative[edge.source]],
                let target = newID[representative[edge.target]]
            else { continue }
            // An edge from one copy of a block to another copy of the same run.
            let from = membership[edge.source]
            let to = membership[edge.target]
            let crossesCopies = from != nil && from?.run == to?.run && from?.block != to?.block
            var kind = edge.kind
            var label = edge.label
            // Layout-only edges between copies would pull the kept block upside down.
            if crossesCopies, source >= target, edge.kind != .data { continue }
            if source >= target, crossesCopies, edge.kind == .data {
                // One copy feeding the next now points back into the kept block.
                kind = .repeated
                label = copies[representative[edge.target]].map { "×\($0)" }
            }
            let candidate = GraphEdge(source: source, target: target, label: label, kind: kind)
            if seen.insert(candidate).inserted {
                result.addEdge(from: source, to: target, label: label, kind: kind)
            }
        }
        return result
    }
}
