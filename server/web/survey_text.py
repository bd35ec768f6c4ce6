"""The SKM questionnaire's words (Lampiran, Permenpan RB 14/2017), Indonesian and English.

Questions are listed in the questionnaire's order; items 8 and 9 ask about the facilities
(u9) and the handling of complaints (u8): the keys follow the regulation's element list.
Each answer 1-4 has an icon (a face, worst to best) shown with its words.
"""

from __future__ import annotations

from typing import Any

from server.domain.survey import ELEMENTS, BadSurvey
from server.reports import skm

ELEMENT_KEYS = ELEMENTS
ELEMENT_NAMES = skm.ELEMENT_NAMES

# (key, Indonesian question, options 1..4, English question, options 1..4)
QUESTIONS: tuple[tuple[str, str, tuple[str, ...], str, tuple[str, ...]], ...] = (
    ("u1", "Bagaimana pendapat Saudara tentang kesesuaian persyaratan pelayanan dengan jenis "
     "pelayanannya?", ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"),
     "How well do the service requirements fit the kind of service?",
     ("Not suitable", "Somewhat unsuitable", "Suitable", "Very suitable")),
    ("u2", "Bagaimana pemahaman Saudara tentang kemudahan prosedur pelayanan di unit ini?",
     ("Tidak mudah", "Kurang mudah", "Mudah", "Sangat mudah"),
     "How easy are the service procedures at this office?",
     ("Not easy", "Somewhat difficult", "Easy", "Very easy")),
    ("u3", "Bagaimana pendapat Saudara tentang kecepatan waktu dalam memberikan pelayanan?",
     ("Tidak cepat", "Kurang cepat", "Cepat", "Sangat cepat"),
     "How quickly was the service given?",
     ("Not fast", "Somewhat slow", "Fast", "Very fast")),
    ("u4", "Bagaimana pendapat Saudara tentang kewajaran biaya/tarif dalam pelayanan?",
     ("Sangat mahal", "Cukup mahal", "Murah", "Gratis"),
     "How fair is the cost or fee of the service?",
     ("Very expensive", "Rather expensive", "Cheap", "Free")),
    ("u5", "Bagaimana pendapat Saudara tentang kesesuaian produk pelayanan antara yang "
     "tercantum dalam standar pelayanan dengan hasil yang diberikan?",
     ("Tidak sesuai", "Kurang sesuai", "Sesuai", "Sangat sesuai"),
     "Does what you received match the product stated in the service standard?",
     ("Not matching", "Somewhat not matching", "Matching", "Fully matching")),
    ("u6", "Bagaimana pendapat Saudara tentang kompetensi/kemampuan petugas dalam pelayanan?",
     ("Tidak kompeten", "Kurang kompeten", "Kompeten", "Sangat kompeten"),
     "How competent were the staff who served you?",
     ("Not competent", "Somewhat incompetent", "Competent", "Very competent")),
    ("u7", "Bagaimana pendapat Saudara tentang perilaku petugas dalam pelayanan terkait "
     "kesopanan dan keramahan?",
     ("Tidak sopan dan ramah", "Kurang sopan dan ramah", "Sopan dan ramah",
      "Sangat sopan dan ramah"),
     "How polite and friendly were the staff?",
     ("Not polite and friendly", "Somewhat impolite", "Polite and friendly",
      "Very polite and friendly")),
    ("u9", "Bagaimana pendapat Saudara tentang kualitas sarana dan prasarana?",
     ("Buruk", "Cukup", "Baik", "Sangat Baik"),
     "How good are the facilities and infrastructure?",
     ("Poor", "Fair", "Good", "Very good")),
    ("u8", "Bagaimana pendapat Saudara tentang penanganan pengaduan pengguna layanan?",
     ("Tidak ada", "Ada tetapi tidak berfungsi", "Berfungsi kurang maksimal",
      "Dikelola dengan baik"),
     "How are complaints from service users handled?",
     ("There is none", "There is one but it does not work", "Works, but not fully",
      "Well managed")),
)  # fmt: skip
ICONS = ("☹", "🙁", "🙂", "😀")  # worst to best, always shown with the answer's words

EDUCATION_NAMES = {
    "id": {"tidak_sekolah": "Tidak sekolah", "SD": "SD", "SMP": "SMP", "SMA": "SMA",
           "D1-D3": "D1–D2–D3", "D4-S1": "D4–S1", "S2": "S2", "S3": "S3",
           "lainnya": "Lainnya"},
    "en": {"tidak_sekolah": "No schooling", "SD": "Primary", "SMP": "Junior secondary",
           "SMA": "Senior secondary", "D1-D3": "Diploma 1–3", "D4-S1": "Bachelor (D4/S1)",
           "S2": "Master (S2)", "S3": "Doctorate (S3)", "lainnya": "Other"},
}  # fmt: skip
OCCUPATION_NAMES = {
    "id": {"PNS": "PNS", "TNI": "TNI", "POLRI": "POLRI", "swasta": "Swasta",
           "wirausaha": "Wirausaha", "pelajar": "Pelajar/Mahasiswa", "lainnya": "Lainnya"},
    "en": {"PNS": "Civil servant", "TNI": "Armed forces", "POLRI": "Police",
           "swasta": "Private employee", "wirausaha": "Self-employed",
           "pelajar": "Student", "lainnya": "Other"},
}  # fmt: skip
GENDER_NAMES = {"id": {"L": "Laki-laki", "P": "Perempuan"}, "en": {"L": "Male", "P": "Female"}}

LABELS: dict[str, dict[str, str]] = {
    "id": {
        "survey_title": "Survei Kepuasan Masyarakat",
        "survey_intro": "Bagaimana pelayanan kami? Sembilan pertanyaan singkat, tanpa nama.",
        "question": "Pertanyaan {index} dari 9",
        "profile": "Profil responden (boleh dikosongkan)",
        "age": "Umur (tahun)",
        "gender": "Jenis kelamin",
        "education": "Pendidikan",
        "occupation": "Pekerjaan",
        "not_said": "—",
        "comment": "Saran atau pengaduan (boleh dikosongkan)",
        "send": "Kirim jawaban",
        "sending": "Mengirim…",
        "thanks": "Terima kasih, jawaban Anda sudah tercatat",
        "thanks_more": "Masukan Anda membantu kami memperbaiki pelayanan.",
        "missing": "Mohon jawab semua 9 pertanyaan.",
        "failed": "Jawaban belum terkirim. Coba lagi.",
        "tablet_heading": "Loket {counter} — nomor {number}, bagaimana pelayanan kami?",
        "tablet_waiting": "Terima kasih. Silakan tunggu pengunjung berikutnya.",
        "tablet_waiting_more": "Pertanyaan muncul di sini setelah layanan di Loket {counter} "
        "selesai.",
        "tablet_title": "Survei — Loket {counter}",
        "switch": "English",
    },
    "en": {
        "survey_title": "Public satisfaction survey",
        "survey_intro": "How did we serve you? Nine short questions, no name asked.",
        "question": "Question {index} of 9",
        "profile": "About you (optional)",
        "age": "Age (years)",
        "gender": "Gender",
        "education": "Education",
        "occupation": "Occupation",
        "not_said": "—",
        "comment": "Suggestion or complaint (optional)",
        "send": "Send answers",
        "sending": "Sending…",
        "thanks": "Thank you, your answers have been recorded",
        "thanks_more": "Your feedback helps us improve our service.",
        "missing": "Please answer all 9 questions.",
        "failed": "Your answers were not sent. Please try again.",
        "tablet_heading": "Counter {counter} — number {number}, how did we serve you?",
        "tablet_waiting": "Thank you. Please wait for the next visitor.",
        "tablet_waiting_more": "The questions appear here once a visit at counter {counter} "
        "is finished.",
        "tablet_title": "Survey — counter {counter}",
        "switch": "Bahasa Indonesia",
    },
}

ERRORS: dict[str, dict[str, str]] = {
    "id": {
        "answers_missing": 'Jawaban survei tidak ada: kirim "answers" berisi u1 sampai u9.',
        "answer_unknown": 'Unsur "{key}" tidak dikenal; unsur survei adalah u1 sampai u9.',
        "answer_missing": "Pertanyaan {key} belum dijawab; semua 9 pertanyaan wajib dijawab.",
        "answer_range": "Jawaban {key} harus angka 1 sampai 4.",
        "respondent_object": "Profil responden harus berupa objek (umur, jenis kelamin, "
        "pendidikan, pekerjaan).",
        "respondent_unknown": 'Isian profil "{key}" tidak dikenal; yang boleh: age, gender, '
        "education, occupation.",
        "age_range": "Umur harus bilangan bulat {low} sampai {high} tahun.",
        "choice": "Isian {field} tidak dikenal; yang boleh: {allowed}.",
        "comment_text": "Saran atau pengaduan harus berupa teks.",
        "comment_long": "Saran atau pengaduan terlalu panjang (paling banyak {limit} huruf).",
        "ticket_not_done": "Survei hanya untuk tiket yang sudah selesai dilayani.",
        "already_answered": "Survei untuk tiket ini sudah diisi; terima kasih.",
        "unknown_ticket": "Tiket tidak ditemukan atau kodenya salah.",
        "no_visitor": "Belum ada pengunjung yang baru selesai dilayani di loket ini.",
        "bad_period": "Periode salah: tulis from dan to sebagai TTTT-BB-HH, from tidak "
        "sesudah to, paling lama 366 hari.",
        "unknown_service": "Layanan {service} tidak dikenal.",
    },
    "en": {
        "answers_missing": 'No survey answers: send "answers" with u1 to u9.',
        "answer_unknown": 'Unknown element "{key}"; the survey\'s elements are u1 to u9.',
        "answer_missing": "Question {key} is not answered; all 9 questions are required.",
        "answer_range": "Answer {key} must be a number from 1 to 4.",
        "respondent_object": "The respondent must be an object (age, gender, education, "
        "occupation).",
        "respondent_unknown": 'Unknown profile field "{key}"; allowed: age, gender, '
        "education, occupation.",
        "age_range": "Age must be a whole number from {low} to {high}.",
        "choice": "Unknown {field}; allowed: {allowed}.",
        "comment_text": "The suggestion or complaint must be text.",
        "comment_long": "The suggestion or complaint is too long (at most {limit} characters).",
        "ticket_not_done": "The survey is only for a ticket whose service is finished.",
        "already_answered": "The survey for this ticket was already answered; thank you.",
        "unknown_ticket": "No ticket with this id and key.",
        "no_visitor": "No visitor has just been served at this counter.",
        "bad_period": "Bad period: write from and to as YYYY-MM-DD, from not after to, at "
        "most 366 days.",
        "unknown_service": "Unknown service {service}.",
    },
}


def language_of(value: str | None) -> str:
    return "en" if value == "en" else "id"


def error_text(text: str, language: str, **values: object) -> str:
    return ERRORS[language][text].format(**values)


def bad_survey_text(error: BadSurvey, language: str) -> str:
    return error_text(error.text, language, **error.values)


def questionnaire(language: str) -> list[dict[str, Any]]:
    """The questions in the questionnaire's order, each with its four answers and icons."""
    english = language == "en"
    return [
        {
            "key": key,
            "index": index,
            "text": question_en if english else question,
            "options": [
                {"value": value, "icon": ICONS[value - 1], "text": text}
                for value, text in enumerate(options_en if english else options, start=1)
            ],
        }
        for index, (key, question, options, question_en, options_en) in enumerate(
            QUESTIONS, start=1
        )
    ]


def profile_choices(language: str) -> dict[str, list[tuple[str, str]]]:
    return {
        "gender": list(GENDER_NAMES[language].items()),
        "education": list(EDUCATION_NAMES[language].items()),
        "occupation": list(OCCUPATION_NAMES[language].items()),
    }
