package io.touchpoint.channels;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.stereotype.Component;

/**
 * The public links of a message: one-click unsubscribe, the open pixel and click redirects. Each carries only the
 * message's random id (and the target of a click), signed by {@link LinkSigner}; never an address or customer id.
 */
@Component
public class EngagementLinks {

    static final String UNSUBSCRIBE = "u";
    static final String OPEN = "o";
    static final String CLICK = "c";

    private static final Pattern HREF = Pattern.compile("(<a\\b[^>]*?\\bhref\\s*=\\s*\")(https?://[^\"]+)(\")", Pattern.CASE_INSENSITIVE);
    private static final Pattern BODY_START = Pattern.compile("<body\\b[^>]*>", Pattern.CASE_INSENSITIVE);
    private static final Pattern BODY_END = Pattern.compile("</body\\s*>", Pattern.CASE_INSENSITIVE);

    private final LinkSigner signer;
    private final String publicUrl;

    EngagementLinks(LinkSigner signer, @Value("${touchpoint.channels.public-url}") String publicUrl) {
        this.signer = signer;
        this.publicUrl = publicUrl.endsWith("/") ? publicUrl.substring(0, publicUrl.length() - 1) : publicUrl;
    }

    /** What a verified link points at: the kind (u, o, c), the message id and, for a click, the target URL. */
    public record Link(String kind, String messageId, String target) {
    }

    public String unsubscribeUrl(String messageId) {
        return publicUrl + "/m/" + UNSUBSCRIBE + "/" + signer.sign(UNSUBSCRIBE + "|" + messageId);
    }

    public String openPixelUrl(String messageId) {
        return publicUrl + "/m/" + OPEN + "/" + signer.sign(OPEN + "|" + messageId);
    }

    public String clickUrl(String messageId, String target) {
        return publicUrl + "/m/" + CLICK + "/" + signer.sign(CLICK + "|" + messageId + "|" + target);
    }

    /** Checks a token from a link of the given kind; a forged or altered one throws {@link LinkSigner.TamperedLinkException}. */
    public Link verify(String kind, String token) {
        String[] parts = signer.verify(token).split("\\|", 3);
        if (!parts[0].equals(kind) || parts.length < 2 || (CLICK.equals(kind) != (parts.length == 3))) {
            throw new LinkSigner.TamperedLinkException("the link is not a valid '" + kind + "' link");
        }
        return new Link(parts[0], parts[1], parts.length == 3 ? parts[2] : null);
    }

    /**
     * The HTML with its preheader as hidden first text, every external link through a click redirect (not our own
     * links) and the open pixel at the end.
     */
    public String tracked(String html, String messageId, String preheader) {
        Matcher links = HREF.matcher(html);
        StringBuilder out = new StringBuilder();
        while (links.find()) {
            String target = links.group(2).replace("&amp;", "&");
            String replacement = target.startsWith(publicUrl + "/m/") ? links.group(0)
                    : links.group(1) + clickUrl(messageId, target) + links.group(3);
            links.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        links.appendTail(out);
        String withPreheader = preheader == null || preheader.isBlank() ? out.toString() : insertAfterBodyStart(out.toString(),
                "<div style=\"display:none;max-height:0;overflow:hidden;mso-hide:all\">" + escape(preheader) + "</div>");
        return insertBeforeBodyEnd(withPreheader,
                "<img src=\"" + openPixelUrl(messageId) + "\" width=\"1\" height=\"1\" alt=\"\" style=\"display:block;border:0\">");
    }

    private static String insertAfterBodyStart(String html, String insert) {
        Matcher start = BODY_START.matcher(html);
        return start.find() ? html.substring(0, start.end()) + insert + html.substring(start.end()) : insert + html;
    }

    private static String insertBeforeBodyEnd(String html, String insert) {
        Matcher end = BODY_END.matcher(html);
        return end.find() ? html.substring(0, end.start()) + insert + html.substring(end.start()) : html + insert;
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
