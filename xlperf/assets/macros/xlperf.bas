Attribute VB_Name = "xlperf"
' The buttons of the analyst workbook (sheet Start). Each runs one function of xlperf in
' Python through xlwings, on this workbook as it is open (unsaved edits included).
' Which Python runs is set on the xlwings.conf sheet (Interpreter_Win / Interpreter_Mac).
' Generated into the workbook by `xlperf workbook`; edit this file, not the workbook's copy.
Option Explicit

Sub BuildPack()
    RunPython "import xlperf.excel.entry as e; e.build_pack()"
End Sub

Sub ValidateWorkbook()
    RunPython "import xlperf.excel.entry as e; e.validate()"
End Sub

Sub Regrade()
    RunPython "import xlperf.excel.entry as e; e.regrade()"
End Sub

Sub ExplainMeasure()
    RunPython "import xlperf.excel.entry as e; e.explain()"
End Sub
