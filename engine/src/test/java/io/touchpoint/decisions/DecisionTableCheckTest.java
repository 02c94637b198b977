package io.touchpoint.decisions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.ByteArrayResource;
import org.springframework.core.io.Resource;

/** Decision tables: an unknown column is refused with its cell; an XLSX table compiles like a CSV one. */
class DecisionTableCheckTest {

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
                {"", "category == \"$param\"", "", "String from = \"$param\";", "$d.quietHours(drools.getRule().getName(), from, \"$param\");"},
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
