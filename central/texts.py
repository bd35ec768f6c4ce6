"""The words of the city dashboard, Indonesian first, English a switch away."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from server.web.phone_text import Language

CITY_ZONE = timezone(timedelta(hours=7))  # the city's own date (WIB): default month, signing

TEXTS: dict[Language, dict[str, str]] = {
    Language.INDONESIAN: {
        "title": "Antrian Kota",
        "heading": "Semua kantor hari ini",
        "sign_in": "Masuk",
        "sign_in_title": "Masuk ke dasbor kota",
        "sign_out": "Keluar",
        "name": "Nama",
        "password": "Kata sandi",
        "wrong": "Nama atau kata sandi salah.",
        "too_many": "Terlalu banyak percobaan. Coba lagi dalam {minutes} menit.",
        "forbidden": "Akun ini tidak boleh membuka dasbor kota.",
        "csrf": "Formulir kedaluwarsa. Muat ulang halaman lalu coba lagi.",
        "switch": "English",
        "signed_in_as": "Masuk sebagai",
        "office": "Kantor",
        "waiting": "Menunggu",
        "longest_wait": "Tunggu terlama",
        "counters_open": "Loket buka",
        "issued": "Diambil",
        "served": "Dilayani",
        "mean_wait": "Rata-rata tunggu",
        "within_standard": "Sesuai standar",
        "ikm_month": "IKM bulan ini",
        "last_seen": "Koneksi",
        "seen_at": "terakhir terhubung {time}",
        "never_seen": "belum pernah terhubung",
        "live": "terhubung",
        "stale": "tidak terhubung",
        "conflict": (
            "konflik: kantor dipasang ulang; terima catatan barunya dengan "
            'antrian-central office renew "{name}"'
        ),
        "conflict_old": (
            "konflik: catatan lama kantor ini dikirim lagi (PC lama masih menyala?): matikan "
            'PC itu; bila justru PC itu yang benar: antrian-central office renew "{name}"'
        ),
        "clock_skew": "jam kantor selisih {minutes} menit",
        "none": "—",
        "minutes": "{value} mnt",
        "no_offices": "Belum ada kantor. Tambahkan dengan: antrian-central office add NAMA",
        "total": "Kota",
        "updated": "Diperbarui {time}",
        "range_from": "Dari",
        "range_to": "Sampai",
        "show": "Tampilkan",
        "service": "Layanan",
        "no_show": "Tidak hadir",
        "median_wait": "Median tunggu",
        "p90_wait": "P90 tunggu",
        "all_services": "Semua layanan",
        "download_summary": "Unduh ringkasan (CSV)",
        "download_visits": "Unduh kunjungan (CSV)",
        "unknown_office": "Kantor tidak dikenal.",
        "city_reports": "Laporan kota",
        "ranking": "Peringkat sesuai standar",
        "rank": "Peringkat",
        "skm": "Survei Kepuasan Masyarakat (SKM)",
        "respondents": "Responden",
        "ikm": "IKM",
        "grade": "Mutu",
        "performance": "Kinerja",
        "skm_note": "IKM kota: semua responden digabung (bukan rata-rata IKM kantor).",
        "download_city_summary": "Ringkasan per kantor",
        "download_skm": "SKM per kantor",
        "downloads": "Unduh",
    },
    Language.ENGLISH: {
        "title": "City queues",
        "heading": "Every office today",
        "sign_in": "Sign in",
        "sign_in_title": "Sign in to the city dashboard",
        "sign_out": "Sign out",
        "name": "Name",
        "password": "Password",
        "wrong": "Wrong name or password.",
        "too_many": "Too many attempts. Try again in {minutes} minutes.",
        "forbidden": "This account may not open the city dashboard.",
        "csrf": "The form expired. Reload the page and try again.",
        "switch": "Bahasa Indonesia",
        "signed_in_as": "Signed in as",
        "office": "Office",
        "waiting": "Waiting",
        "longest_wait": "Longest wait",
        "counters_open": "Lokets open",
        "issued": "Issued",
        "served": "Served",
        "mean_wait": "Mean wait",
        "within_standard": "Within standard",
        "ikm_month": "IKM this month",
        "last_seen": "Link",
        "seen_at": "last connected {time}",
        "never_seen": "never connected",
        "live": "connected",
        "stale": "not connected",
        "conflict": (
            "conflict: office re-installed; accept its new record with "
            'antrian-central office renew "{name}"'
        ),
        "conflict_old": (
            "conflict: an older record of this office is pushed again (is the old PC still "
            "on?): switch it off; if that PC is the right one: "
            'antrian-central office renew "{name}"'
        ),
        "clock_skew": "office clock off by {minutes} min",
        "none": "—",
        "minutes": "{value} min",
        "no_offices": "No office yet. Add one with: antrian-central office add NAME",
        "total": "City",
        "updated": "Updated {time}",
        "range_from": "From",
        "range_to": "To",
        "show": "Show",
        "service": "Service",
        "no_show": "No-show",
        "median_wait": "Median wait",
        "p90_wait": "P90 wait",
        "all_services": "All services",
        "download_summary": "Download the summary (CSV)",
        "download_visits": "Download the visits (CSV)",
        "unknown_office": "No such office.",
        "city_reports": "City reports",
        "ranking": "Ranking within standard",
        "rank": "Rank",
        "skm": "Community satisfaction survey (SKM)",
        "respondents": "Respondents",
        "ikm": "IKM",
        "grade": "Grade",
        "performance": "Performance",
        "skm_note": "The city's IKM pools every respondent (not the mean of the offices' IKMs).",
        "download_city_summary": "Summary by office",
        "download_skm": "SKM by office",
        "downloads": "Download",
    },
}


def clock_text(moment: datetime, utc_offset_s: int | None) -> str:
    """`14.02`, in the office's own time (Indonesian writes hours and minutes with a dot)."""
    zone = timezone(timedelta(seconds=utc_offset_s or 0))
    return moment.astimezone(zone).strftime("%H.%M")


def minutes_text(seconds: float | None, language: Language) -> str:
    if seconds is None:
        return TEXTS[language]["none"]
    # half a minute up, as the page's script (Math.round) does
    return TEXTS[language]["minutes"].format(value=int(seconds / 60 + 0.5))
