"""The words of the downloaded reports (XLSX and PDF), in Bahasa Indonesia and English.

The figures come as the JSON of `/api/v1/reports/summary|visits|skm` (see DESIGN.md);
these are only the labels around them, the month names (Babel) and the SKM element names.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from babel.dates import format_date

from server.reports.skm import ELEMENT_NAMES

LANGUAGES = ("id", "en")

# the nine elements' names as the survey asks them (PermenPANRB 14/2017), one wording for
# the form and for the published tables
SKM_ELEMENTS = ELEMENT_NAMES
ELEMENT_KEYS = tuple(SKM_ELEMENTS["id"])

TEXTS: dict[str, dict[str, str]] = {
    "id": {
        "summary": "Ringkasan",
        "visits": "Kunjungan",
        "per_day": "Per hari",
        "per_service": "Per layanan",
        "chart_day": "Grafik per hari",
        "chart_service": "Grafik per layanan",
        "chart_data": "Data grafik",
        "chart_wait_title": "Rata-rata waktu tunggu (menit)",
        "minutes": "Menit",
        "day": "Tanggal",
        "week": "Minggu",
        "month": "Bulan",
        "weekday": "Hari",
        "hour": "Jam",
        "service": "Layanan",
        "service_name": "Nama layanan",
        "counter": "Loket",
        "clerk": "Petugas",
        "issued": "Diambil",
        "served": "Dilayani",
        "no_show": "Tidak hadir",
        "voided": "Batal",
        "unserved": "Tidak terlayani",
        "transferred": "Dialihkan",
        "requeued": "Antre ulang",
        "wait_mean": "Tunggu rata-rata",
        "wait_median": "Tunggu median",
        "wait_p90": "Tunggu p90",
        "wait_max": "Tunggu maks.",
        "service_mean": "Layanan rata-rata",
        "service_median": "Layanan median",
        "service_p90": "Layanan p90",
        "service_max": "Layanan maks.",
        "within_standard": "Sesuai standar",
        "total": "Jumlah",
        "number": "Nomor",
        "issued_service": "Layanan awal",
        "priority": "Prioritas",
        "status": "Status",
        "issued_at": "Diambil pukul",
        "called_at": "Dipanggil pukul",
        "finished_at": "Selesai pukul",
        "wait": "Waktu tunggu",
        "service_time": "Waktu layanan",
        "transfers": "Dialihkan",
        "requeues": "Antre ulang",
        "yes": "Ya",
        "no": "Tidak",
        "status_waiting": "Menunggu",
        "status_called": "Dipanggil",
        "status_done": "Selesai",
        "status_no_show": "Tidak hadir",
        "status_voided": "Batal",
        "status_unserved": "Tidak terlayani",
        "period": "Periode",
        "office": "Kantor",
        "month_title": "Laporan Pelayanan Bulan {month}",
        "skm_title": "Rekapitulasi Survei Kepuasan Masyarakat (SKM)",
        "skm_sheet": "Rekapitulasi SKM",
        "element": "Unsur pelayanan",
        "code": "Kode",
        "sum": "Jumlah nilai",
        "nrr": "NRR",
        "nrr_weighted": "NRR tertimbang",
        "nrr_weighted_total": "Jumlah NRR tertimbang",
        "ikm": "IKM (Indeks Kepuasan Masyarakat)",
        "ikm_short": "IKM",
        "grade": "Mutu pelayanan",
        "performance": "Kinerja unit pelayanan",
        "respondents": "Jumlah responden",
        "respondents_required": "Responden minimal",
        "profile": "Profil responden",
        "profile_group": "Karakteristik",
        "profile_value": "Kategori",
        "profile_count": "Jumlah",
        "profile_share": "Persentase",
        "age": "Umur",
        "gender": "Jenis kelamin",
        "education": "Pendidikan",
        "occupation": "Pekerjaan",
        "suggestions": "Saran dan masukan",
        "suggestion": "Saran",
        "action_plan": "Rencana tindak lanjut",
        "action_no": "No",
        "action_element": "Unsur / prioritas perbaikan",
        "action_program": "Program / kegiatan",
        "action_when": "Waktu",
        "action_who": "Penanggung jawab",
        "no_data": "Belum ada data",
        "totals": "Jumlah pengunjung",
        "waiting_time": "Waktu tunggu",
        "mean": "Rata-rata",
        "median": "Median",
        "p90": "Persentil ke-90",
        "within_standard_title": "Dilayani sesuai standar waktu tunggu",
        "target": "Standar",
        "target_minutes": "{minutes} menit",
        "chart_title": "Rata-rata waktu tunggu per hari (menit)",
        "skm_result": "Hasil Survei Kepuasan Masyarakat",
        "skm_none": "Belum ada responden pada bulan ini.",
        "skm_line": "IKM {ikm} — mutu {grade} ({performance}), {respondents} responden",
        "signature_place_date": "{place}, {date}",
        "nip": "NIP. {nip}",
        "generated": "Dibuat oleh Antrian",
        "page_count_text": "Halaman",
        "grade_A": "Sangat Baik",
        "grade_B": "Baik",
        "grade_C": "Kurang Baik",
        "grade_D": "Tidak Baik",
    },
    "en": {
        "summary": "Summary",
        "visits": "Visits",
        "per_day": "Per day",
        "per_service": "Per service",
        "chart_day": "Chart per day",
        "chart_service": "Chart per service",
        "chart_data": "Chart data",
        "chart_wait_title": "Mean waiting time (minutes)",
        "minutes": "Minutes",
        "day": "Date",
        "week": "Week",
        "month": "Month",
        "weekday": "Weekday",
        "hour": "Hour",
        "service": "Service",
        "service_name": "Service name",
        "counter": "Counter",
        "clerk": "Clerk",
        "issued": "Issued",
        "served": "Served",
        "no_show": "No-show",
        "voided": "Voided",
        "unserved": "Unserved",
        "transferred": "Transferred",
        "requeued": "Re-queued",
        "wait_mean": "Wait mean",
        "wait_median": "Wait median",
        "wait_p90": "Wait p90",
        "wait_max": "Wait max",
        "service_mean": "Service mean",
        "service_median": "Service median",
        "service_p90": "Service p90",
        "service_max": "Service max",
        "within_standard": "Within standard",
        "total": "Total",
        "number": "Number",
        "issued_service": "First service",
        "priority": "Priority",
        "status": "Status",
        "issued_at": "Issued at",
        "called_at": "Called at",
        "finished_at": "Finished at",
        "wait": "Waiting time",
        "service_time": "Service time",
        "transfers": "Transfers",
        "requeues": "Re-queues",
        "yes": "Yes",
        "no": "No",
        "status_waiting": "Waiting",
        "status_called": "Called",
        "status_done": "Done",
        "status_no_show": "No-show",
        "status_voided": "Voided",
        "status_unserved": "Unserved",
        "period": "Period",
        "office": "Office",
        "month_title": "Service Report for {month}",
        "skm_title": "Community Satisfaction Survey (SKM) Summary",
        "skm_sheet": "SKM summary",
        "element": "Service element",
        "code": "Code",
        "sum": "Sum of scores",
        "nrr": "NRR",
        "nrr_weighted": "Weighted NRR",
        "nrr_weighted_total": "Sum of weighted NRR",
        "ikm": "IKM (Community Satisfaction Index)",
        "ikm_short": "IKM",
        "grade": "Service quality",
        "performance": "Unit performance",
        "respondents": "Respondents",
        "respondents_required": "Respondents required",
        "profile": "Respondent profile",
        "profile_group": "Characteristic",
        "profile_value": "Category",
        "profile_count": "Count",
        "profile_share": "Share",
        "age": "Age",
        "gender": "Gender",
        "education": "Education",
        "occupation": "Occupation",
        "suggestions": "Suggestions and feedback",
        "suggestion": "Suggestion",
        "action_plan": "Follow-up plan",
        "action_no": "No",
        "action_element": "Element / priority",
        "action_program": "Programme / activity",
        "action_when": "When",
        "action_who": "Responsible",
        "no_data": "No data yet",
        "totals": "Visitors",
        "waiting_time": "Waiting time",
        "mean": "Mean",
        "median": "Median",
        "p90": "90th percentile",
        "within_standard_title": "Served within the waiting-time standard",
        "target": "Standard",
        "target_minutes": "{minutes} min",
        "chart_title": "Mean waiting time per day (minutes)",
        "skm_result": "Community Satisfaction Survey result",
        "skm_none": "No respondents this month yet.",
        "skm_line": "IKM {ikm} — grade {grade} ({performance}), {respondents} respondents",
        "signature_place_date": "{place}, {date}",
        "nip": "NIP. {nip}",
        "generated": "Made by Antrian",
        "page_count_text": "Page",
        "grade_A": "Very Good",
        "grade_B": "Good",
        "grade_C": "Poor",
        "grade_D": "Very Poor",
    },
}

WEEKDAYS = {
    "id": ("Senin", "Selasa", "Rabu", "Kamis", "Jumat", "Sabtu", "Minggu"),
    "en": ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"),
}


def language_of(value: str | None) -> str:
    """ "en" for English, else Indonesian (the default of every report)."""
    return "en" if value == "en" else "id"


def month_name(month: date, language: str) -> str:
    """ "November 2026" in either language (Babel's Indonesian month names)."""
    return format_date(month, "LLLL yyyy", locale=language_of(language))


def long_date(day: date, language: str) -> str:
    """ "30 November 2026"."""
    return format_date(day, "d MMMM yyyy", locale=language_of(language))


def minutes_text(seconds: float | None, language: str) -> str:
    """ "12,5 menit" / "12.5 min"; "—" for no figure."""
    if seconds is None:
        return "—"
    value = f"{seconds / 60:.1f}"
    if language_of(language) == "id":
        return f"{value.replace('.', ',')} menit"
    return f"{value} min"


def percent_text(share: float | None, language: str) -> str:
    """0.875 as "87,5%" / "87.5%"; "—" for no figure."""
    if share is None:
        return "—"
    value = f"{share * 100:.1f}"
    return (value.replace(".", ",") if language_of(language) == "id" else value) + "%"


def decimal_text(value: float | None, digits: int, language: str) -> str:
    """A number with a decimal comma in Indonesian."""
    if value is None:
        return "—"
    text = f"{value:.{digits}f}"
    return text.replace(".", ",") if language_of(language) == "id" else text


def suggestions_of(skm: Mapping[str, Any]) -> list[tuple[str, str, str]]:
    """(day, service, text) of each suggestion of an SKM result (`suggestions` of
    `/api/v1/reports/skm`: objects with `day`, `service`, `comment`)."""
    found: list[tuple[str, str, str]] = []
    for item in skm.get("suggestions") or []:
        if isinstance(item, Mapping):
            found.append(
                (str(item.get("day") or ""), str(item.get("service") or ""),
                 str(item.get("comment") or ""))
            )  # fmt: skip
        else:
            found.append(("", "", str(item)))
    return found
