@echo off
rem Windows kiosk PC: starts the Aufruf kiosk full screen, again if it ever stops.
rem Put a shortcut to this file in shell:startup of the kiosk user (see docs/kiosk-pc.md).
:again
"%ProgramData%\Aufruf\venv\Scripts\aufruf.exe" kiosk --config "%ProgramData%\Aufruf\kiosk.toml" --fullscreen
timeout /t 5 /nobreak >nul
goto again
