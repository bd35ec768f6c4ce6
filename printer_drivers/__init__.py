"""Antrian printer_drivers."""
