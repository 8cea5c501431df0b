"""Every file of data/reference/ read and checked: one module per index, the units, the PAR criteria trees and the
plan; each error names the file, the row and the column."""
