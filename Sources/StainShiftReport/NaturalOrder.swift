/// Orders identifiers the way people number patients: `P2` before `P10`.
/// Runs of ASCII digits compare by value, everything else by Unicode scalar; ties fall back to
/// plain string order, so the order is total and does not depend on the locale.
enum NaturalOrder {
    static func less(_ a: String, _ b: String) -> Bool {
        var i = a.unicodeScalars.makeIterator(), j = b.unicodeScalars.makeIterator()
        var x = i.next(), y = j.next()
        while let p = x, let q = y {
            if isDigit(p), isDigit(q) {
                var da = "", db = ""
                while let c = x, isDigit(c) { da.unicodeScalars.append(c); x = i.next() }
                while let c = y, isDigit(c) { db.unicodeScalars.append(c); y = j.next() }
                let ta = trimmed(da), tb = trimmed(db)
                if ta.count != tb.count { return ta.count < tb.count }
                if ta != tb { return ta < tb }
                continue
            }
            if p != q { return p.value < q.value }
            x = i.next(); y = j.next()
        }
        if (x == nil) != (y == nil) { return x == nil }
        return a < b
    }

    private static func isDigit(_ c: Unicode.Scalar) -> Bool { c.value >= 48 && c.value <= 57 }

    private static func trimmed(_ digits: String) -> Substring {
        let t = digits.drop(while: { $0 == "0" })
        return t.isEmpty ? Substring("0") : t
    }
}
