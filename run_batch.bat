@echo off
rem Chỉ số — quarterly batch for analysts on Windows with conda.
rem First time:   conda env create -f environment.yml
rem Each time:    conda activate chiso  then  run_batch.bat [PERIOD]   (default 2024Q4)
setlocal
chcp 65001 >NUL
set PYTHONUTF8=1
set JUPYTER_PREFER_ENV_PATH=1
set PERIOD=%1
if "%PERIOD%"=="" set PERIOD=2024Q4
python -c "import analysis" 2>NUL
if errorlevel 1 (
  echo Chua cai dat Chi so. Chay: conda env create -f environment.yml ^&^& conda activate chiso
  exit /b 1
)
python -m analysis reports --period %PERIOD%
exit /b %errorlevel%
