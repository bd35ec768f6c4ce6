"""Qt widgets and start-up logic the kiosk, the counter terminal and the display share."""
