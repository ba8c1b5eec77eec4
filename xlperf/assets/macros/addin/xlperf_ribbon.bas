Attribute VB_Name = "xlperfRibbon"
' The buttons of the xlperf ribbon tab (customUI14.xml, beside this file). Each runs one
' function of xlperf.excel.entry in Python through xlwings' RunPython, on the ACTIVE
' workbook: RunPython hands Python the active workbook, which is xlwings' Book.caller().
' The Python that runs is the one `xlperf excel install` recorded in xlperf's own settings
' file (%USERPROFILE%\.xlperf\xlperf.conf on Windows; xlperf.conf in Excel's sandbox
' folder on macOS), read by the xlwings module of this add-in (PROJECT_NAME = "xlperf").
' Built into xlperf.xlam by `xlperf addin`; edit this file, not the add-in's copy.
Option Explicit

Sub Validate(control As IRibbonControl)
    If Ready() Then RunPython "import xlperf.excel.entry as e; e.validate()"
End Sub

Sub BuildPack(control As IRibbonControl)
    If Ready() Then RunPython "import xlperf.excel.entry as e; e.build_pack()"
End Sub

Sub Regrade(control As IRibbonControl)
    If Ready() Then RunPython "import xlperf.excel.entry as e; e.regrade()"
End Sub

Sub Explain(control As IRibbonControl)
    If Ready() Then RunPython "import xlperf.excel.entry as e; e.explain()"
End Sub

Sub ExportPdf(control As IRibbonControl)
    If Ready() Then RunPython "import xlperf.excel.entry as e; e.export_pdf()"
End Sub

Sub AddInputSheets(control As IRibbonControl)
    If Ready() Then RunPython "import xlperf.excel.entry as e; e.add_input_sheets()"
End Sub

Sub Settings(control As IRibbonControl)
    If Ready() Then RunPython "import xlperf.excel.entry as e; e.settings()"
End Sub

' True when a button can run: a workbook is active (not only a Protected View window) and
' the Python recorded by `xlperf excel install` exists. Otherwise one plain message.
Private Function Ready() As Boolean
    Dim interpreter As String
    Ready = False
    If ActiveWorkbook Is Nothing Then
        MsgBox "Open the quarterly performance workbook first. A workbook in Protected View " & _
               "must be enabled for editing (Enable Editing) before xlperf can read it.", _
               vbInformation, "xlperf"
        Exit Function
    End If
    #If Mac Then
        interpreter = GetConfig("INTERPRETER_MAC", "")
    #Else
        interpreter = GetConfig("INTERPRETER_WIN", "")
    #End If
    If interpreter = "" Then
        MsgBox "No Python is set up for the xlperf add-in. In a terminal, with the Python " & _
               "that has xlperf installed, run:" & vbNewLine & vbNewLine & _
               "xlperf excel install", vbExclamation, "xlperf"
        Exit Function
    End If
    #If Not Mac Then
        If Not FileExists(interpreter) Then
            MsgBox "The Python set up for the xlperf add-in does not exist:" & vbNewLine & _
                   interpreter & vbNewLine & vbNewLine & "In a terminal, with the Python " & _
                   "that has xlperf installed, run: xlperf excel install", _
                   vbExclamation, "xlperf"
            Exit Function
        End If
    #End If
    Ready = True
End Function
