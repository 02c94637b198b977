package io.touchpoint.decisions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.Resource;

/**
 * Decision tables: an unknown column is refused with its cell; an XLSX table compiles like a CSV one; a table from
 * someone not trusted with code may change values and add rows, nothing that Drools turns into code.
 */
class DecisionTableCheckTest {

    @Test
    void aMarketerMayChangeValuesAndAddRowsOfARunningTable() throws IOException {
        String caps = Files.readString(Path.of("../rules/caps.drl.csv"));
        String changed = caps.replace("\"At most 1 marketing message a day\",210,marketing,X,X,1,1",
                "\"At most 2 marketing messages a day\",210,marketing,X,X,1,2\n\"At most 1 newsletter a day, 10:00 local\",205,newsletter,X,X,1,1");

        assertThat(DecisionTableCheck.checkCells("caps.drl.csv", utf8(changed), running())).isEmpty();
    }

    @Test
    void aMarketersTableWithCodeInAValueASnippetAnImportOrARuleNameIsRefusedWithTheCell() throws IOException {
        String caps = Files.readString(Path.of("../rules/caps.drl.csv"));

        assertThat(DecisionTableCheck.checkCells("caps.drl.csv", utf8(caps.replace(",190,marketing,X,X,30,8",
                ",190,marketing,X,X,30,8 + java.lang.Runtime.getRuntime().availableProcessors()")), running()))
                .singleElement().hasToString("caps.drl.csv line 12: cell G12: '8 + java.lang.Runtime.getRuntime().availableProcessors()'"
                        + " is not a plain value (letters, digits, spaces, _ : + - @ % , / and decimals)");
        assertThat(DecisionTableCheck.checkCells("caps.drl.csv", utf8(caps.replace("int days = $param;", "int days = $param + 1;")), running()))
                .singleElement().extracting(RuleProblem::message).asString().contains("are not those of a running table");
        assertThat(DecisionTableCheck.checkCells("caps.drl.csv", utf8(caps.replace("io.touchpoint.decisions.ContactHistory,",
                "io.touchpoint.decisions.ContactHistory, java.lang.Runtime,")), running()))
                .singleElement().extracting(RuleProblem::message).asString().contains("cell B2: only io.touchpoint.decisions types may be imported, not 'java.lang.Runtime'");
        assertThat(DecisionTableCheck.checkCells("caps.drl.csv", utf8(caps.replace("\"At most 1 marketing message a day\"",
                "\"A day\"\" salience 1 when then System.exit(1); end rule \"\"x\"")), running()))
                .singleElement().extracting(RuleProblem::message).asString().contains("cell A10: text may not hold quotes");
    }

    private static Map<String, byte[]> running() throws IOException {
        Map<String, byte[]> tables = new TreeMap<>();
        for (String file : new String[] {"caps.drl.csv", "channel.drl.csv", "quiet-hours.drl.csv"}) {
            tables.put(file, Files.readAllBytes(Path.of("../rules", file)));
        }
        return tables;
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aCsvDecisionTableWithAnUnknownColumnIsRefusedWithItsCell() throws IOException {
        String caps = Files.readString(Path.of("../rules/caps.drl.csv"))
                .replace("NAME,PRIORITY,CONDITION,CONDITION,CONDITION,ACTION,ACTION", "NAME,PRIORITY,CONDITION,CONDITON,CONDITION,ACTION,ACTION");

        assertThatThrownBy(() -> new RuleBase(named("caps.drl.csv", caps.getBytes(StandardCharsets.UTF_8))))
                .isInstanceOf(RuleBase.RuleCompilationException.class)
                .hasMessageContaining("caps.drl.csv line 6: unknown column 'CONDITON' in cell D6");
    }

    @Test
    void anXlsxDecisionTableIsCompiledAndAnUnknownColumnInItIsRefused() throws IOException {
        RuleBase rules = new RuleBase(named("quiet-hours.drl.xlsx", quietHoursWorkbook("ACTION")));
        assertThat(rules.status().rules()).isEqualTo(1);

        assertThatThrownBy(() -> new RuleBase(named("quiet-hours.drl.xlsx", quietHoursWorkbook("ACTON"))))
                .hasMessageContaining("quiet-hours.drl.xlsx line 3: unknown column 'ACTON' in cell E3");
    }

    private static byte[] quietHoursWorkbook(String lastHeader) throws IOException {
        String[][] cells = {
                {"RuleSet", "rules"},
                {"RuleTable Quiet hours"},
                {"NAME", "CONDITION", "CONDITION", "ACTION", lastHeader},
                {"", "$r : io.touchpoint.decisions.DecisionRequest", "$d : io.touchpoint.decisions.Decision", "", ""},
                {"", "sendingPolicy && category == \"$param\"", "", "String from = \"$param\";", "$d.quietHours(drools.getRule().getName(), from, \"$param\");"},
                {"rule", "category", "decision", "from", "until"},
                {"Quiet nights", "marketing", "X", "22:00", "07:00"}};
        try (XSSFWorkbook workbook = new XSSFWorkbook(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            Sheet sheet = workbook.createSheet("rules");
            for (int r = 0; r < cells.length; r++) {
                Row row = sheet.createRow(r);
                for (int c = 0; c < cells[r].length; c++) {
                    row.createCell(c).setCellValue(cells[r][c]);
                }
            }
            workbook.write(out);
            return out.toByteArray();
        }
    }

    static Resource named(String fileName, byte[] content) {
        return new ByteArrayResource(content) {
            @Override
            public String getFilename() {
                return fileName;
            }
        };
    }
}
