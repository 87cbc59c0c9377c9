/// CRC-32C (Castagnoli, the polynomial iSCSI, ext4 and LevelDB's log use): detects torn and
/// corrupted records in the usage log. Not a defence against deliberate tampering — a checksum
/// anyone can recompute — only against crashes and bad disks.
enum CRC32C {
    /// The reflected polynomial 0x1EDC6F41.
    private static let table: [UInt32] = (0..<256).map { index in
        var crc = UInt32(index)
        for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0x82F6_3B78 : crc >> 1 }
        return crc
    }

    /// The checksum of `bytes`.
    static func checksum<Bytes: Sequence>(_ bytes: Bytes) -> UInt32 where Bytes.Element == UInt8 {
        var crc: UInt32 = 0xFFFF_FFFF
        table.withUnsafeBufferPointer { table in
            for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        }
        return crc ^ 0xFFFF_FFFF
    }
}
