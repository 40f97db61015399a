/// Text of the resident-facing pages, by language. Templates read them as `{{t.key}}`.
enum Strings {
    static let zh: [String: String] = [
        "app": "GridPass 网格通",
        "not_found_title": "二维码无效",
        "not_found_body": "这个二维码无法识别，可能被涂改或不是本系统的海报。请扫描单元门、企业或卡口张贴的正式二维码，或联系网格员。",
        "gone_title": "海报已更换",
        "gone_body": "这张海报已经停用，新的海报已张贴。请扫描现场最新的二维码，或联系网格员。",
        "place_kind": "地点类型",
        "forms_pending": "扫码登记表单即将在下一版本开放，目前尚不能在此登记。如需登记请联系网格员。",
        "checkpoint_hint": "这是一个卡口。居民和员工请在所属单元门或企业的二维码处登记；值守人员请打开卡口核验页面。",
    ]
    static let en: [String: String] = [
        "app": "GridPass",
        "not_found_title": "Unknown QR code",
        "not_found_body": "This code cannot be recognised: it may have been altered, or it is not a GridPass poster. Please scan the official poster on the door, enterprise or checkpoint, or ask your grid worker.",
        "gone_title": "This poster was replaced",
        "gone_body": "This poster is no longer in use; a new one has been put up. Please scan the current poster, or ask your grid worker.",
        "place_kind": "Kind of place",
        "forms_pending": "Registration forms open in the next release; you cannot register here yet. Please ask your grid worker.",
        "checkpoint_hint": "This is a checkpoint. Residents and workers register at their door unit or enterprise poster; guards open the checkpoint page.",
    ]
}
