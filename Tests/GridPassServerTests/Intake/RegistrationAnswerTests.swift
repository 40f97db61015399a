import Foundation
import GridPassCore
@testable import GridPassServer
import GridPassTestSupport
import Testing

@Suite("Registration answer bytes")
struct RegistrationAnswerTests {
    @Test("the answer written as bytes is exactly JSONWriter's sorted-key JSON of the documented object, with and without a code",
          arguments: Backend.all, [PersonKind.resident, .worker])
    func sameAsDictionary(_ backend: Backend, kind: PersonKind) async throws {
        let services = try await AppServices.open(try await TestApp(demo: false, backend: backend).prepared().effectiveStore)
        let intake = IntakeService(services: services, codes: HealthCodeService(services: services, codeTTL: 3600),
                                   publicURL: "https://grid.example.org/平山")
        let person = PersonRecord(ref: try PersonRef.timeOrdered(milliseconds: 1_764_201_600_123), kind: kind,
                                  status: kind == .resident ? .active : .pending, placeID: 7, name: "张\"三\\华", room: "301",
                                  department: nil, meToken: "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", reviewReason: nil,
                                  createdAt: 1_764_201_600, updatedAt: 1_764_201_600)
        let codes: [StoredCode?] = [nil, StoredCode(payload: "GP1:ABC\u{1}\"", color: .yellow, statusVersion: 3, issuedAt: 1_764_201_600,
                                                    expiresAt: 1_764_288_000)]
        for code in codes {
            let expected: [String: Any] = ["person_id": person.id, "kind": person.kind.rawValue, "status": person.status.rawValue,
                                           "me_url": intake.meURL(person), "health_code": HealthCodeService.summary(code) ?? NSNull()]
            let bytes = intake.json(person, code: code)
            #expect(bytes == JSONWriter.data(expected), "\(String(decoding: bytes, as: UTF8.self))")
            #expect(try JSONSerialization.jsonObject(with: Data(bytes)) is [String: Any])
        }
    }
}
