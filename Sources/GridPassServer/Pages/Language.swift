import GridPassCore
import Foundation
import Hummingbird

/// The language of a page: Chinese by default, English when the browser prefers it.
enum Language: String, Sendable {
    case zh, en

    /// Picks the first of `zh`/`en` in the Accept-Language header, by quality then order.
    init(acceptLanguage header: String?) {
        self = .zh
        guard let header else { return }
        var best: (q: Double, lang: Language)? = nil
        for item in header.split(separator: ",") {
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = parts.first?.lowercased() else { continue }
            let q = parts.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            let lang: Language? = tag.hasPrefix("zh") ? .zh : tag.hasPrefix("en") ? .en : nil
            if let lang, q > (best?.q ?? 0) { best = (q, lang) }
        }
        if let best { self = best.lang }
    }

    init(_ request: Request) {
        self.init(acceptLanguage: request.headers[.acceptLanguage])
    }

    var strings: [String: String] { self == .en ? Strings.en : Strings.zh }
}

extension FieldError {
    /// The message in the page's language.
    func message(in language: Language) -> String { language == .en ? message : messageZH }
}

extension FieldErrors {
    /// Every message in the page's language, one after the other (a staff page's error box).
    func messages(in language: Language) -> String { errors.map { $0.message(in: language) }.joined(separator: " ") }
}
