package io.touchpoint.decisions;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

import org.apache.poi.ss.usermodel.DataFormatter;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.ss.usermodel.Workbook;
import org.apache.poi.ss.usermodel.WorkbookFactory;
import org.apache.poi.ss.util.CellReference;
import org.drools.decisiontable.parser.ActionType;
import org.drools.decisiontable.parser.csv.CsvLineParser;

/**
 * Checks decision tables, naming the cell of each problem (for example {@code D5}). {@link #check}: a header row
 * that names a column Drools does not know is refused (Drools would silently ignore it, and the rule would lose a
 * condition). {@link #checkCells}: a table from someone not trusted with code may hold values only; every cell that
 * Drools turns into code must be one a running table already has.
 */
final class DecisionTableCheck {

    /** What a value cell may hold: it is pasted into a code snippet, so no quotes, calls, blocks or property paths. */
    private static final Pattern VALUE = Pattern.compile("([\\p{L}\\p{N} _:+\\-@%,/]|(?<=\\d)\\.(?=\\d))*");
    /** Rule names and labels end up inside a quoted string. */
    private static final Pattern TEXT = Pattern.compile("[^\"\\\\\\r\\n]*");
    private static final Pattern RULE_SET = Pattern.compile("[A-Za-z_][A-Za-z0-9_.]*");
    private static final Pattern IMPORT = Pattern.compile("io\\.touchpoint\\.decisions\\.[A-Z][A-Za-z0-9]*");
    /** After the "RuleTable" row: the column types, the fact patterns and the code snippets (rows 2 to 4). */
    private static final int CODE_ROWS = 3;

    private DecisionTableCheck() {
    }

    static List<RuleProblem> check(String fileName, byte[] content) throws IOException {
        List<List<String>> rows = rows(fileName, content);
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

    /**
     * The problems of a table uploaded by someone not trusted with code: outside its RuleTable blocks only
     * {@code RuleSet}, {@code Import} (of {@code io.touchpoint.decisions} types) and {@code Notes}; each block's column
     * types, fact patterns and snippets exactly those of a block in one of the {@code trusted} tables; its rule names
     * plain text and every other cell a plain value (letters, digits, spaces, {@code _ : + - @ % , /}, decimals).
     */
    static List<RuleProblem> checkCells(String fileName, byte[] content, Map<String, byte[]> trusted) throws IOException {
        Set<List<List<String>>> trustedShapes = new HashSet<>();
        for (Map.Entry<String, byte[]> table : trusted.entrySet()) {
            if (!table.getKey().endsWith(".drl")) {
                List<List<String>> rows = rows(table.getKey(), table.getValue());
                for (int r = 0; r < rows.size(); r++) {
                    if (tableStart(rows.get(r))) {
                        trustedShapes.add(codeRows(rows, r));
                    }
                }
            }
        }
        List<RuleProblem> problems = new ArrayList<>();
        List<List<String>> rows = rows(fileName, content);
        if (fileName.endsWith(".xlsx") && sheets(content) > 1) {
            problems.add(new RuleProblem(fileName, 1, "a decision table has one sheet"));
        }
        for (int r = 0; r < rows.size(); r++) {
            List<String> row = rows.get(r);
            if (blank(row)) {
                continue;
            }
            if (!tableStart(row)) {
                checkKeywordRow(fileName, row, r, problems);
                continue;
            }
            checkText(fileName, row, r, 0, problems);
            if (!trustedShapes.contains(codeRows(rows, r))) {
                problems.add(new RuleProblem(fileName, r + 2, "the column types, patterns and snippets in rows " + (r + 2)
                        + " to " + (r + 1 + CODE_ROWS) + " are not those of a running table: only a role trusted with code may change them"));
            }
            List<String> types = r + 1 < rows.size() ? rows.get(r + 1) : List.of();
            r += CODE_ROWS + 1;
            if (r < rows.size()) {
                for (int c = 0; c < rows.get(r).size(); c++) {
                    checkText(fileName, rows.get(r), r, c, problems); // the labels
                }
            }
            while (r + 1 < rows.size() && !blank(rows.get(r + 1))) {
                r++;
                for (int c = 0; c < rows.get(r).size(); c++) {
                    boolean name = c < types.size() && types.get(c).strip().toUpperCase(Locale.ROOT).startsWith("NAME");
                    if (name) {
                        checkText(fileName, rows.get(r), r, c, problems);
                    } else if (!VALUE.matcher(rows.get(r).get(c).strip()).matches()) {
                        problems.add(problem(fileName, r, c, "'" + rows.get(r).get(c).strip()
                                + "' is not a plain value (letters, digits, spaces, _ : + - @ % , / and decimals)"));
                    }
                }
            }
        }
        return problems;
    }

    private static void checkKeywordRow(String fileName, List<String> row, int r, List<RuleProblem> problems) {
        String keyword = row.get(0).strip();
        String value = row.size() > 1 ? row.get(1).strip() : "";
        for (int c = 2; c < row.size(); c++) {
            if (!row.get(c).isBlank()) {
                problems.add(problem(fileName, r, c, "nothing may follow the value of '" + keyword + "'"));
            }
        }
        switch (keyword.toLowerCase(Locale.ROOT)) {
            case "ruleset" -> {
                if (!RULE_SET.matcher(value).matches()) {
                    problems.add(problem(fileName, r, 1, "'" + value + "' is not a rule set name"));
                }
            }
            case "import" -> {
                for (String type : value.split(",")) {
                    if (!IMPORT.matcher(type.strip()).matches()) {
                        problems.add(problem(fileName, r, 1, "only io.touchpoint.decisions types may be imported, not '" + type.strip() + "'"));
                    }
                }
            }
            case "notes" -> checkText(fileName, row, r, 1, problems);
            default -> problems.add(problem(fileName, r, 0, "'" + keyword
                    + "' is not allowed here: outside a RuleTable only RuleSet, Import and Notes (a role trusted with code may use more)"));
        }
    }

    private static void checkText(String fileName, List<String> row, int r, int c, List<RuleProblem> problems) {
        if (c < row.size() && !TEXT.matcher(row.get(c)).matches() || c < row.size() && row.get(c).contains("*/")) {
            problems.add(problem(fileName, r, c, "text may not hold quotes, backslashes, line breaks or */"));
        }
    }

    private static RuleProblem problem(String fileName, int r, int c, String message) {
        return new RuleProblem(fileName, r + 1, "cell " + CellReference.convertNumToColString(c) + (r + 1) + ": " + message);
    }

    private static boolean tableStart(List<String> row) {
        return !row.isEmpty() && row.get(0).strip().toLowerCase(Locale.ROOT).startsWith("ruletable");
    }

    private static boolean blank(List<String> row) {
        return row.stream().allMatch(String::isBlank);
    }

    /** The rows after a "RuleTable" row that Drools turns into code, cells stripped and trailing blanks dropped. */
    private static List<List<String>> codeRows(List<List<String>> rows, int tableRow) {
        List<List<String>> code = new ArrayList<>();
        for (int r = tableRow + 1; r <= tableRow + CODE_ROWS; r++) {
            List<String> cells = new ArrayList<>(r < rows.size() ? rows.get(r).stream().map(String::strip).toList() : List.of());
            while (!cells.isEmpty() && cells.get(cells.size() - 1).isEmpty()) {
                cells.remove(cells.size() - 1);
            }
            code.add(cells);
        }
        return code;
    }

    private static List<List<String>> rows(String fileName, byte[] content) throws IOException {
        try {
            return fileName.endsWith(".csv") ? csvRows(content) : xlsxRows(content);
        } catch (IOException | RuntimeException unreadable) {
            throw new RuleBase.RuleCompilationException(List.of(new RuleProblem(fileName, 1,
                    "not a readable decision table: " + unreadable.getMessage())));
        }
    }

    private static int sheets(byte[] content) throws IOException {
        try (Workbook workbook = WorkbookFactory.create(new ByteArrayInputStream(content))) {
            return workbook.getNumberOfSheets();
        }
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
