import PolicyLang
import PolicyRuntime

/// JUnit XML for `policyc test --junit`: one `testsuite` per policy file, one `testcase` per test,
/// a `failure` with the mismatches and what decided; a file that does not compile is an `error`.
enum JUnitReport {
    static func xml(_ files: [(path: String, results: [TestRunner.Result], error: String?)]) -> String {
        let tests = files.reduce(0) { $0 + $1.results.count }
        let failures = files.reduce(0) { $0 + $1.results.filter { !$0.passed }.count }
        let errors = files.filter { $0.error != nil }.count
        var xml = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        xml += "<testsuites name=\"policyc test\" tests=\"\(tests)\" failures=\"\(failures)\" errors=\"\(errors)\">\n"
        for file in files {
            let fileFailures = file.results.filter { !$0.passed }.count
            xml += "  <testsuite name=\"\(MarkupText.escaped(file.path))\" tests=\"\(file.results.count)\" failures=\"\(fileFailures)\" errors=\"\(file.error == nil ? 0 : 1)\">\n"
            if let error = file.error {
                xml += "    <error message=\"\(MarkupText.escaped(error))\"/>\n"
            }
            for result in file.results {
                let line = result.test.source.split(separator: ":").dropLast().last.map(String.init) ?? "0"
                xml += "    <testcase name=\"\(MarkupText.escaped(result.test.name))\" classname=\"\(MarkupText.escaped(file.path))\" file=\"\(MarkupText.escaped(file.path))\" line=\"\(line)\""
                if result.passed {
                    xml += "/>\n"
                    continue
                }
                let details = (result.mismatches + result.decidedBy.map { "decided by: " + $0 }).joined(separator: "\n")
                xml += ">\n      <failure message=\"\(MarkupText.escaped(result.mismatches.first ?? ""))\">\(MarkupText.escaped(details))</failure>\n    </testcase>\n"
            }
            xml += "  </testsuite>\n"
        }
        return xml + "</testsuites>\n"
    }
}
