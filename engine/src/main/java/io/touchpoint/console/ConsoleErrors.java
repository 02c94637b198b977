package io.touchpoint.console;

import java.time.format.DateTimeParseException;

import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.server.ResponseStatusException;

/**
 * The console APIs answer errors as problem details whose {@code detail} is a message a person can act on, and
 * whose {@code field} names the bad query parameter or body field.
 */
@Order(Ordered.HIGHEST_PRECEDENCE) // before Spring Boot's problem details handler, which answers a bad parameter without naming it
@RestControllerAdvice(basePackageClasses = ConsoleErrors.class)
class ConsoleErrors {

    @ExceptionHandler(ResponseStatusException.class)
    ProblemDetail status(ResponseStatusException e) {
        return ProblemDetail.forStatusAndDetail(e.getStatusCode(), String.valueOf(e.getReason()));
    }

    @ExceptionHandler(BadParameterException.class)
    ProblemDetail badParameter(BadParameterException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST, e.getMessage());
        problem.setProperty("field", e.field());
        return problem;
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ProblemDetail badType(MethodArgumentTypeMismatchException e) {
        ProblemDetail problem = ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                "'" + e.getName() + "' is not valid: '" + e.getValue() + "'");
        problem.setProperty("field", e.getName());
        return problem;
    }

    @ExceptionHandler(DateTimeParseException.class)
    ProblemDetail badDate(DateTimeParseException e) {
        return ProblemDetail.forStatusAndDetail(HttpStatus.BAD_REQUEST,
                "'" + e.getParsedString() + "' is not a date: use yyyy-MM-dd for 'from' and 'to'");
    }
}
