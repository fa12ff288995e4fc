package io.agentfleet.sandbox.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;

/**
 * The sandbox has one user who may do anything: self access reviews and rules reviews (which the
 * operator SDK sends at start-up) are answered as allowed.
 */
final class AccessReviews {
  private static final ObjectMapper JSON = new ObjectMapper();

  private AccessReviews() {}

  static String allowAll(String requestBody) {
    ObjectNode review;
    try {
      JsonNode parsed = JSON.readTree(requestBody);
      review = parsed.isObject() ? (ObjectNode) parsed : JSON.createObjectNode();
    } catch (IOException e) {
      review = JSON.createObjectNode();
    }
    if (!review.has("metadata")) {
      review.putObject("metadata");
    }
    ObjectNode status = review.putObject("status");
    if ("SelfSubjectRulesReview".equals(review.path("kind").asText())) {
      ObjectNode rule = status.putArray("resourceRules").addObject();
      rule.putArray("verbs").add("*");
      rule.putArray("apiGroups").add("*");
      rule.putArray("resources").add("*");
      status.putArray("nonResourceRules").addObject().putArray("verbs").add("*");
      status.put("incomplete", false);
    } else {
      status.put("allowed", true);
    }
    return review.toString();
  }
}
