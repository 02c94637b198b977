package io.touchpoint.decisions;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

import org.apache.poi.ss.usermodel.DataFormatter;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.ss.usermodel.Workbook;
import org.apache.poi.ss.usermodel.WorkbookFactory;
import org.apache.poi.ss.util.CellReference;
import org.drools.decisiontable.parser.ActionType;
import org.drools.decisiontable.parser.csv.CsvLineParser;

/**
 * Refuses a decision table whose header row names a column Drools does not know (Drools would silently ignore
 * it, and the rule would lose a condition). The problem names the cell, for example {@code D5}.
 */
final class DecisionTableCheck {

    private DecisionTableCheck() {
    }

    static List<RuleProblem> check(String fileName, byte[] content) throws IOException {
        List<List<String>> rows = fileName.endsWith(".csv") ? csvRows(content) : xlsxRows(content);
        List<RuleProblem> problems = new ArrayList<>();
        for (int r = 0; r + 1 < rows.size(); r++) {
            if (!rows.get(r).isEmpty() && rows.get(r).get(0).strip().startsWith("RuleTable")) {
                List<String> headers = rows.get(r + 1);
                for (int c = 0; c < headers.size(); c++) {
                    String header = headers.get(c).strip();
                    if (!header.isEmpty() && !known(header)) {
                        String cell = CellReference.convertNumToColString(c) + (r + 2);
                        problems.add(new RuleProblem(fileName, r + 2, "unknown column '" + header + "' in cell " + cell));
                    }
                }
            }
        }
        return problems;
    }

    private static boolean known(String header) {
        String upper = header.toUpperCase(Locale.ROOT);
        return Arrays.stream(ActionType.Code.values())
                .anyMatch(code -> upper.startsWith(code.getColHeader()) || upper.equals(code.getColShort()));
    }

    private static List<List<String>> csvRows(byte[] content) {
        CsvLineParser parser = new CsvLineParser();
        return new String(content, StandardCharsets.UTF_8).lines().map(parser::parse).toList();
    }

    private static List<List<String>> xlsxRows(byte[] content) throws IOException {
        try (Workbook workbook = WorkbookFactory.create(new ByteArrayInputStream(content))) {
            DataFormatter text = new DataFormatter();
            List<List<String>> rows = new ArrayList<>();
            Sheet sheet = workbook.getSheetAt(0);
            for (int r = 0; r <= sheet.getLastRowNum(); r++) {
                Row row = sheet.getRow(r);
                List<String> cells = new ArrayList<>();
                for (int c = 0; row != null && c < row.getLastCellNum(); c++) {
                    cells.add(row.getCell(c) == null ? "" : text.formatCellValue(row.getCell(c)));
                }
                rows.add(cells);
            }
            return rows;
        }
    }
}
