"""What `antrian doctor` says, in Bahasa Indonesia (default) and English."""
# ruff: noqa: E501  (a text catalogue: one message a line reads best)

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "id": {
        "config.none": "Tidak ada antrian.toml: semua program memakai pengaturan bawaan (kantor demo)",
        "config.none.fix": "Salin assets/antrian.example.toml ke /etc/antrian/antrian.toml lalu sesuaikan.",
        "config.found": "Berkas pengaturan: {path}",
        "config.unreadable": "Berkas pengaturan {path} tidak bisa dibaca",
        "config.invalid": "Pengaturan server salah (server tidak akan mau mulai)",
        "config.unchecked": "Pengaturan server tidak bisa diperiksa (program antrian-server tidak jalan)",
        "zeroconf.off": "Pencarian server otomatis (zeroconf) dimatikan di {where}: memakai alamat server di pengaturan",
        "zeroconf.off.no_server": "Pencarian server otomatis dimatikan di {where}, tetapi tidak ada alamat server",
        "zeroconf.off.no_server.fix": 'Isi server = "http://<IP-server>:8470" di bagian itu, atau hapus discovery = false.',
        "server.bad_url": "Alamat server di pengaturan tidak benar",
        "zeroconf.found": "Server ditemukan otomatis di jaringan (zeroconf): {url}",
        "zeroconf.missing": "Server tidak ditemukan otomatis di jaringan (zeroconf)",
        "zeroconf.missing.fix": (
            "Pastikan server menyala dan PC ini satu jaringan dengannya. Router atau Wi-Fi\n"
            'mungkin memblokir multicast: isi server = "http://<IP-server>:8470" di bagian\n'
            "[kiosk], [counter] atau [display] pada antrian.toml."
        ),
        "server.unreachable": "Server {url} tidak bisa dihubungi",
        "server.unreachable.fix": (
            "Periksa kabel/Wi-Fi, alamat IP server, dan apakah layanan antrian-server berjalan\n"
            "(sudo systemctl status antrian-server). Galat: {error}"
        ),
        "server.ok": "Server menjawab: {url} ({office})",
        "ha.active": "Server aktif basis data: {server} ({url}), sejak {since}",
        "ha.standbys": "Server cadangan siap mengambil alih: {names}",
        "ha.no_standby": "Tidak ada server cadangan di basis data ini",
        "ha.no_standby.fix": (
            "Bila server ini mati, antrean berhenti sampai ada yang menyalakannya lagi. "
            "Jalankan antrian-server dengan database yang sama di PC kedua (docs/ha.md)."
        ),
        "ha.replica": "Replika {name}: {state}, {sync}, tertinggal {lag} bita",
        "ha.no_replica": "Tidak terlihat replika basis data",
        "ha.no_replica.fix": (
            "Tanpa replika, basis data hanya ada di satu PC (atau pengguna server tidak boleh "
            "melihat pg_stat_replication: beri peran pg_monitor). Lihat docs/ha.md."
        ),
        "token.missing": "Bagian [{section}] tidak punya token",
        "token.missing.fix": (
            'Di PC server: antrian-server token create --role {section} --name "..."\n'
            'lalu tulis token = "..." di bagian [{section}].'
        ),
        "token.unchecked": "Token [{section}] belum bisa diperiksa (server tidak terhubung)",
        "token.rejected": "Token [{section}] ditolak server",
        "token.rejected.fix": "Buat token baru di PC server dan ganti di [{section}]. ({error})",
        "token.ok": "Token [{section}] diterima server",
        "printer.config": "Pengaturan printer [printer] salah",
        "printer.preview": "Tidak ada printer: tiket hanya disimpan sebagai gambar (PNG)",
        "printer.preview.fix": "Isi bagian [printer] di antrian.toml (lihat docs/printers.md).",
        "printer.error": "Printer ({kind}) bermasalah",
        "printer.permission.fix": (
            "Tidak ada izin membuka printer. Jalankan: sudo ./install.sh --kiosk\n"
            "(memasang aturan udev dan grup lp/dialout), lalu logout-login. ({error})"
        ),
        "printer.not_found.fix": "Printer tidak ditemukan: periksa kabel USB/serial dan listriknya. ({error})",
        "printer.offline": "Printer ({kind}) tidak menjawab / offline",
        "printer.problem": "Printer ({kind}) melapor masalah",
        "printer.ok": "Printer ({kind}) siap",
        "voice.missing": "Rekaman suara panggilan tidak ada",
        "voice.missing.fix": "Jalankan: .venv/bin/python -m counter_display.display.voice_clips",
        "voice.ok": "Rekaman suara panggilan tersedia",
        "audio.unknown": "Perangkat suara tidak bisa diperiksa",
        "audio.ok": "Perangkat suara: {device}",
        "audio.none": "Tidak ada perangkat suara: layar tetap jalan, tetapi panggilan tidak terdengar",
        "audio.none.fix": "Sambungkan speaker/TV lewat HDMI dan pilih keluaran suara di pengaturan desktop.",
        "clock.zone_unknown": "Zona waktu {zone} tidak dikenal",
        "clock.office_time": "Waktu kantor ({zone}): {time}",
        "clock.machine_zone": "Zona waktu PC ini berbeda dengan zona waktu kantor",
        "clock.machine_zone.fix": "Jalankan: sudo timedatectl set-timezone {zone}",
        "clock.skew": "Jam PC ini selisih {seconds} detik dengan jam server",
        "clock.skew.fix": "Setel jam otomatis: sudo timedatectl set-ntp true (atau samakan manual).",
        "clock.in_step": "Jam PC ini sama dengan jam server",
        "city.ok": "Pusat kota menjawab: {url}",
        "city.unreachable": "Pusat kota {url} tidak terjangkau",
        "city.unreachable.fix": "Kantor tetap bekerja dan mengirim nanti. Penyebab: {reason}. Periksa jaringan, [city] url dan ca_file (docs/city.md).",
        "city.skew": "Jam PC ini selisih {minutes} menit dengan jam pusat kota",
        "city.in_step": "Jam PC ini sama dengan jam pusat kota",
        "clock.ntp": "Jam tidak disinkronkan otomatis (NTP)",
        "clock.ntp.fix": "Tanpa internet itu wajar; pastikan jam server benar setiap pagi.",
        "summary": "Selesai: {failures} masalah, {warnings} peringatan.",
    },
    "en": {
        "config.none": "No antrian.toml: every program runs on the built-in defaults (demo office)",
        "config.none.fix": "Copy assets/antrian.example.toml to /etc/antrian/antrian.toml and adapt it.",
        "config.found": "Config file: {path}",
        "config.unreadable": "The config file {path} cannot be read",
        "config.invalid": "The server settings are wrong (the server will not start)",
        "config.unchecked": "The server settings could not be checked (antrian-server does not run)",
        "zeroconf.off": "Finding the server by itself (zeroconf) is off in {where}: using the server address from the settings",
        "zeroconf.off.no_server": "Finding the server by itself is off in {where}, but no server address is set",
        "zeroconf.off.no_server.fix": 'Set server = "http://<server-ip>:8470" in that section, or remove discovery = false.',
        "server.bad_url": "The server address in the config is not valid",
        "zeroconf.found": "Server found on the network by itself (zeroconf): {url}",
        "zeroconf.missing": "The server was not found on the network (zeroconf)",
        "zeroconf.missing.fix": (
            "Check that the server is on and this PC is on the same network. The router or\n"
            'Wi-Fi may block multicast: set server = "http://<server-ip>:8470" in the\n'
            "[kiosk], [counter] or [display] section of antrian.toml."
        ),
        "server.unreachable": "The server {url} cannot be reached",
        "server.unreachable.fix": (
            "Check the cable/Wi-Fi, the server's IP address, and whether antrian-server runs\n"
            "(sudo systemctl status antrian-server). Error: {error}"
        ),
        "server.ok": "The server answers: {url} ({office})",
        "ha.active": "Active server of the database: {server} ({url}), since {since}",
        "ha.standbys": "Standby servers ready to take over: {names}",
        "ha.no_standby": "No standby server on this database",
        "ha.no_standby.fix": (
            "If this server dies, the queue stops until someone starts it again. Run "
            "antrian-server on the same database on a second PC (docs/ha.md)."
        ),
        "ha.replica": "Replica {name}: {state}, {sync}, behind by {lag} bytes",
        "ha.no_replica": "No database replica visible",
        "ha.no_replica.fix": (
            "Without a replica the database lives on one PC only (or the server's user may not "
            "see pg_stat_replication: grant it pg_monitor). See docs/ha.md."
        ),
        "token.missing": "The [{section}] section has no token",
        "token.missing.fix": (
            'On the server PC: antrian-server token create --role {section} --name "..."\n'
            'then write token = "..." into [{section}].'
        ),
        "token.unchecked": "The [{section}] token cannot be checked (no server)",
        "token.rejected": "The server refuses the [{section}] token",
        "token.rejected.fix": "Create a new token on the server PC and put it into [{section}]. ({error})",
        "token.ok": "The server accepts the [{section}] token",
        "printer.config": "The [printer] settings are wrong",
        "printer.preview": "No printer: tickets are only saved as pictures (PNG)",
        "printer.preview.fix": "Fill in the [printer] section of antrian.toml (see docs/printers.md).",
        "printer.error": "The printer ({kind}) has a problem",
        "printer.permission.fix": (
            "No permission to open the printer. Run: sudo ./install.sh --kiosk\n"
            "(installs the udev rule and the lp/dialout groups), then log out and in. ({error})"
        ),
        "printer.not_found.fix": "Printer not found: check its USB/serial cable and power. ({error})",
        "printer.offline": "The printer ({kind}) does not answer / is offline",
        "printer.problem": "The printer ({kind}) reports a problem",
        "printer.ok": "The printer ({kind}) is ready",
        "voice.missing": "The voice clips for announcements are missing",
        "voice.missing.fix": "Run: .venv/bin/python -m counter_display.display.voice_clips",
        "voice.ok": "Voice clips for announcements are present",
        "audio.unknown": "The audio device could not be checked",
        "audio.ok": "Audio device: {device}",
        "audio.none": "No audio device: the display works, but calls are not heard",
        "audio.none.fix": "Connect speakers or the TV over HDMI and pick the output in the desktop settings.",
        "clock.zone_unknown": "Unknown time zone {zone}",
        "clock.office_time": "Office time ({zone}): {time}",
        "clock.machine_zone": "This PC's time zone differs from the office's",
        "clock.machine_zone.fix": "Run: sudo timedatectl set-timezone {zone}",
        "clock.skew": "This PC's clock is {seconds} s away from the server's",
        "clock.skew.fix": "Turn on automatic time: sudo timedatectl set-ntp true (or set it by hand).",
        "clock.in_step": "This PC's clock agrees with the server's",
        "city.ok": "The city's central answers: {url}",
        "city.unreachable": "The city's central {url} cannot be reached",
        "city.unreachable.fix": "The office works on and sends later. Cause: {reason}. Check the network, [city] url and ca_file (docs/city.md).",
        "city.skew": "This PC's clock is {minutes} minutes away from the city central's",
        "city.in_step": "This PC's clock agrees with the city central's",
        "clock.ntp": "The clock is not synchronised automatically (NTP)",
        "clock.ntp.fix": "Without internet that is normal; check the server's clock each morning.",
        "summary": "Done: {failures} problem(s), {warnings} warning(s).",
    },
}


def say(key: str, language: str, **params: object) -> str:
    """The text for `key` in `language` (Indonesian when unknown), with `params` filled in."""
    table = TEXTS.get(language, TEXTS["id"])
    template = table.get(key) or TEXTS["id"].get(key) or key
    return template.format(**params)
