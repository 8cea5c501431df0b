@echo off
rem Chỉ số — JupyterLab on notebooks\ with the project's kernel (Windows, conda). Stop with Ctrl+C twice.
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
jupyter lab --notebook-dir=notebooks
if errorlevel 1 pause
