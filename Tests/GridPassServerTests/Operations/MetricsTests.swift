import Foundation
import GridPassCore
import GridPassServer
import GridPassTestSupport
import Hummingbird
import HummingbirdTesting
import Testing

extension TestClientProtocol {
    /// GET /metrics, checked for status and content type, parsed strictly.
    func scrape() async throws -> (text: String, metrics: PrometheusText) {
        let (contentType, text) = try await execute(uri: "/metrics", method: .get) { response in
            #expect(response.status == .ok)
            return (response.headers[.contentType], String(buffer: response.body))
        }
        #expect(contentType?.hasPrefix("text/plain; version=0.0.4") == true)
        return (text, try PrometheusText(text))
    }
}

@Suite("Metrics")
struct MetricsTests {
    @Test("after a registration and a verification /metrics parses and its counters moved", arguments: Backend.all)
    func countersMove(_ backend: Backend) async throws {
        try await TestApp(backend: backend).test { client, services in
            let before = try await client.scrape().metrics
            #expect(before.value("gridpass_registrations_total", ["kind": "resident", "outcome": "created"]) == nil)

            let scene = try await Scene.make(client, services)
            #expect(try await client.verify(scene.payload, at: "CP-DJ-E", token: scene.guardGate).1["result"] as? String == "pass")
            #expect(try await client.verify("GP1:NOTACODE", at: "CP-DJ-E", token: scene.guardGate).1["result"] as? String == "invalid")
            let door = try await Fixture.poster("DJ-B03-U2", services)
            #expect(try await client.postJSON("/api/v1/registrations", Fixture.resident(token: door.token)).0 == .ok)
            #expect(try await client.get(scene.mePath + "/code.json").0 == .ok)

            let (text, metrics) = try await client.scrape()
            #expect(metrics.families["gridpass_registrations_total"]?.type == "counter")
            #expect(metrics.value("gridpass_registrations_total", ["kind": "resident", "outcome": "created"]) == 1)
            #expect(metrics.value("gridpass_registrations_total", ["kind": "resident", "outcome": "updated"]) == 1)
            #expect(metrics.value("gridpass_verifications_total", ["result": "pass", "reason": "ok"]) == 1)
            #expect(metrics.value("gridpass_verifications_total", ["result": "invalid", "reason": "malformed"]) == 1)
            #expect(metrics.value("gridpass_http_requests_total",
                                  ["method": "POST", "route": "/api/v1/registrations", "status": "201"]) == 1)
            #expect(metrics.value("gridpass_http_requests_total",
                                  ["method": "GET", "route": "/me/{token}/code.json", "status": "200"]) == 1)
            #expect(metrics.value("gridpass_http_request_duration_seconds_count", ["method": "POST", "route": "/api/v1/verify"]) == 2)
            #expect(metrics.families["gridpass_http_request_duration_seconds"]?.type == "histogram")
            #expect(metrics.value("gridpass_people", ["kind": "resident", "status": "active", "color": "green"]) == 1)
            // Route patterns only: the personal page's secret token never reaches the metrics.
            #expect(!text.contains(String(scene.mePath.split(separator: "/")[1])))
        }
    }

    @Test("colour gauges follow the store: a flag turns the count from green to red", arguments: Backend.all)
    func colourGauges(_ backend: Backend) async throws {
        try await TestApp(backend: backend).test { client, services in
            let scene = try await Scene.make(client, services)
            let green = ["kind": "resident", "status": "active", "color": "green"]
            let red = ["kind": "resident", "status": "active", "color": "red"]
            #expect(try await client.scrape().metrics.value("gridpass_people", green) == 1)
            #expect(try await client.postJSON("/api/v1/people/\(scene.personID)/flags", ["flag": "confirmed"], token: scene.staff).0 == .created)
            let metrics = try await client.scrape().metrics
            #expect(metrics.value("gridpass_people", green) == 0, "a combination that emptied reads 0")
            #expect(metrics.value("gridpass_people", red) == 1)
            #expect(metrics.families["gridpass_people"]?.type == "gauge")
        }
    }

    @Test("a request that matches no route is counted as NotFound, not by its path", arguments: Backend.all)
    func unmatched(_ backend: Backend) async throws {
        try await TestApp(demo: false, backend: backend).test { client, _ in
            #expect(try await client.get("/no/such/SECRETPATH").0 == .notFound)
            let (text, metrics) = try await client.scrape()
            #expect(metrics.value("gridpass_http_requests_total", ["method": "GET", "route": "NotFound", "status": "404"]) == 1)
            #expect(!text.contains("SECRETPATH"))
        }
    }
}

@Suite("Prometheus text parser")
struct PrometheusTextTests {
    static let valid = """
        # HELP a_total Things, with \\\\ and \\n escaped.
        # TYPE a_total counter
        a_total{x="q\\"uote",y="back\\\\slash\\nnewline",} 3 1700000000000
        # a plain comment
        # TYPE h histogram
        h_bucket{le="0.5"} 1
        h_bucket{le="+Inf"} 2
        h_sum 0.75
        h_count 2
        g NaN

        """

    @Test("reads a valid exposition: escapes, trailing comma, timestamp, histogram, NaN")
    func valid() throws {
        let text = try PrometheusText(Self.valid)
        #expect(text.families["a_total"]?.help == "Things, with \\ and \n escaped.")
        #expect(text.value("a_total", ["x": "q\"uote", "y": "back\\slash\nnewline"]) == 3)
        #expect(text.value("h_count") == 2)
        #expect(text.value("g")?.isNaN == true)
    }

    @Test("rejects what Prometheus rejects", arguments: [
        "a 1",                                                   // no final line feed
        "1a 1\n",                                                // metric name
        "a{1x=\"v\"} 1\n",                                       // label name
        "a{x=\"v\\t\"} 1\n",                                     // escape
        "a{x=\"v\"} one\n",                                      // value
        "a{x=\"v\",x=\"w\"} 1\n",                                // label twice
        "a 1\na 2\n",                                            // duplicate series
        "a{x=\"1\"} 1\nb 1\na{x=\"2\"} 1\n",                     // family not grouped
        "a 1\n# TYPE a counter\n",                               // TYPE after samples
        "# TYPE a counter\n# TYPE a gauge\n",                    // second TYPE
        "# TYPE a counter\na -1\n",                              // negative counter
        "# TYPE h histogram\nh_bucket{le=\"1\"} 1\nh_sum 1\nh_count 1\n",                           // no +Inf
        "# TYPE h histogram\nh_bucket{le=\"1\"} 2\nh_bucket{le=\"+Inf\"} 1\nh_sum 1\nh_count 1\n",  // not cumulative
        "# TYPE h histogram\nh_bucket{le=\"+Inf\"} 2\nh_sum 1\nh_count 3\n",                        // +Inf != _count
    ])
    func invalid(_ text: String) {
        #expect(throws: PrometheusText.ParseError.self) { try PrometheusText(text) }
    }
}
