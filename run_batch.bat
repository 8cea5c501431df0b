@echo off
rem Chỉ số — quarterly batch for analysts on Windows with conda.
rem First time:   conda env create -f environment.yml
rem Each time:    run_batch.bat [PERIOD]   (default 2024Q4); the window stays open on an error.
setlocal
chcp 65001 >NUL
set PYTHONUTF8=1
set JUPYTER_PREFER_ENV_PATH=1
cd /d "%~dp0"
call conda activate chiso
if errorlevel 1 (
  echo Khong kich hoat duoc moi truong conda "chiso". Chay: conda env create -f environment.yml
  pause
  exit /b 1
)
set PERIOD=%1
if "%PERIOD%"=="" set PERIOD=2024Q4
python -m analysis reports --period %PERIOD%
if errorlevel 1 (
  echo Lo trinh bao cao dung lai voi loi o tren. Xem reports\%PERIOD%\logs.
  pause
  exit /b 1
)
exit /b 0
