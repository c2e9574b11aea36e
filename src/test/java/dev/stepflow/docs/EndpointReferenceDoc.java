package dev.stepflow.docs;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Renders the endpoint reference of generated-README.md from openapi/workflows.yaml: every path and
 * method in file order, with parameters and their rules, the request and success schemas and the
 * error statuses the contract declares.
 */
final class EndpointReferenceDoc {

  private static final Set<String> METHODS =
      Set.of("get", "put", "post", "delete", "patch", "head", "options", "trace");

  private final JsonNode spec;
  private final String basePath;

  private EndpointReferenceDoc(JsonNode spec) {
    this.spec = spec;
    this.basePath = URI.create(spec.path("servers").path(0).path("url").asText("")).getPath();
  }

  static String render(Path openApiFile) throws IOException {
    JsonNode spec = new ObjectMapper(new YAMLFactory()).readTree(openApiFile.toFile());
    return new EndpointReferenceDoc(spec).render();
  }

  private String render() {
    List<Operation> operations = operations();
    StringBuilder out = new StringBuilder();
    out.append("## Endpoints\n\n");
    out.append("Every path is under `")
        .append(basePath)
        .append("`. Rendered from `openapi/")
        .append("workflows.yaml`, in file order.\n\n");
    out.append("| method | path | operationId | summary |\n|---|---|---|---|\n");
    for (Operation op : operations) {
      out.append(Markdown.row(op.method(), op.fullPath(), Markdown.code(op.id()), op.summary()));
    }
    for (Operation op : operations) {
      out.append('\n').append(operation(op));
    }
    return out.toString();
  }

  private record Operation(String method, String fullPath, JsonNode node) {
    String id() {
      return node.path("operationId").asText();
    }

    String summary() {
      return node.path("summary").asText();
    }
  }

  private List<Operation> operations() {
    List<Operation> operations = new ArrayList<>();
    for (Map.Entry<String, JsonNode> path : spec.path("paths").properties()) {
      for (Map.Entry<String, JsonNode> method : path.getValue().properties()) {
        if (METHODS.contains(method.getKey())) {
          String verb = method.getKey().toUpperCase(Locale.ROOT);
          operations.add(new Operation(verb, basePath + path.getKey(), method.getValue()));
        }
      }
    }
    return operations;
  }

  private String operation(Operation op) {
    StringBuilder out = new StringBuilder();
    out.append("### ").append(op.method()).append(' ').append(op.fullPath()).append("\n\n");
    out.append(Markdown.code(op.id())).append(": ").append(op.summary()).append("\n\n");
    JsonNode parameters = op.node().path("parameters");
    if (!parameters.isEmpty()) {
      out.append("| parameter | in | required | type | rules |\n|---|---|---|---|---|\n");
      for (JsonNode reference : parameters) {
        out.append(parameter(resolve(reference)));
      }
      out.append('\n');
    }
    out.append("- Request body: ").append(requestBody(op.node().path("requestBody"))).append('\n');
    out.append("- Success: ").append(success(op.node().path("responses"))).append('\n');
    out.append("- Errors: ").append(errors(op.node().path("responses"))).append('\n');
    return out.toString();
  }

  private String parameter(JsonNode parameter) {
    boolean required = parameter.path("required").asBoolean(false);
    List<String> rules = new ArrayList<>();
    if (parameter.path("deprecated").asBoolean(false)) {
      rules.add("deprecated");
    }
    rules.addAll(rules(resolve(parameter.path("schema"))));
    return Markdown.row(
        Markdown.code(parameter.path("name").asText()),
        parameter.path("in").asText(),
        required ? "yes" : "no",
        type(parameter.path("schema")),
        String.join("; ", rules));
  }

  private String requestBody(JsonNode body) {
    if (body.isMissingNode()) {
      return "none";
    }
    JsonNode schema = body.path("content").path("application/json").path("schema");
    String requirement = body.path("required").asBoolean(false) ? "required" : "optional";
    return schemaSummary(schema) + " (" + requirement + ")";
  }

  private String success(JsonNode responses) {
    for (Map.Entry<String, JsonNode> response : responses.properties()) {
      if (response.getKey().startsWith("2")) {
        JsonNode schema =
            resolve(response.getValue()).path("content").path("application/json").path("schema");
        return response.getKey() + " " + schemaSummary(schema);
      }
    }
    return "none declared";
  }

  private String errors(JsonNode responses) {
    List<String> errors = new ArrayList<>();
    for (Map.Entry<String, JsonNode> response : responses.properties()) {
      if (!response.getKey().startsWith("2")) {
        JsonNode ref = response.getValue().path("$ref");
        errors.add(
            ref.isMissingNode()
                ? response.getKey()
                : response.getKey() + " (" + refName(ref.asText()) + ")");
      }
    }
    return errors.isEmpty() ? "none declared" : String.join(", ", errors);
  }

  /** A schema in prose: its component name, an array of something, or a plain type. */
  private String schemaSummary(JsonNode schema) {
    if (schema.has("$ref")) {
      return Markdown.code(refName(schema.path("$ref").asText()));
    }
    if (schema.path("type").asText().equals("array")) {
      String size = range(schema, "minItems", "maxItems");
      JsonNode items = schema.path("items");
      List<String> itemRules = items.has("$ref") ? List.of() : rules(items);
      return "array of "
          + (size.isEmpty() ? "" : size + " ")
          + schemaSummary(items)
          + (itemRules.isEmpty() ? "" : " (" + String.join("; ", itemRules) + ")");
    }
    return type(schema);
  }

  private String type(JsonNode schema) {
    if (schema.has("$ref")) {
      String name = refName(schema.path("$ref").asText());
      return Markdown.code(name) + " (" + type(resolve(schema)) + ")";
    }
    if (!schema.has("type")) {
      return "any JSON value";
    }
    String type = schema.path("type").asText();
    return schema.has("format") ? type + " (" + schema.path("format").asText() + ")" : type;
  }

  private List<String> rules(JsonNode schema) {
    List<String> rules = new ArrayList<>();
    String length = range(schema, "minLength", "maxLength");
    if (!length.isEmpty()) {
      rules.add("length " + length);
    }
    String value = range(schema, "minimum", "maximum");
    if (!value.isEmpty()) {
      rules.add("value " + value);
    }
    if (schema.has("enum")) {
      List<String> values = new ArrayList<>();
      schema.path("enum").forEach(v -> values.add(Markdown.code(v.asText())));
      rules.add("one of " + String.join(", ", values));
    }
    if (schema.has("pattern")) {
      rules.add("pattern " + Markdown.code(schema.path("pattern").asText()));
    }
    return rules;
  }

  /** "1..100", "≥ 1", "≤ 200" or "" for the two bounds named. */
  private static String range(JsonNode schema, String min, String max) {
    boolean hasMin = schema.has(min);
    boolean hasMax = schema.has(max);
    if (hasMin && hasMax) {
      return schema.path(min).asText() + ".." + schema.path(max).asText();
    }
    if (hasMin) {
      return "≥ " + schema.path(min).asText();
    }
    return hasMax ? "≤ " + schema.path(max).asText() : "";
  }

  /** Follows a local {@code $ref} ("#/components/..."); any other node is returned as it is. */
  private JsonNode resolve(JsonNode node) {
    JsonNode current = node;
    while (current.has("$ref")) {
      String ref = current.path("$ref").asText();
      if (!ref.startsWith("#/")) {
        throw new IllegalStateException("only local references are supported: " + ref);
      }
      JsonNode target = spec.at(ref.substring(1));
      if (target.isMissingNode()) {
        throw new IllegalStateException("unresolved reference " + ref);
      }
      current = target;
    }
    return current;
  }

  private static String refName(String ref) {
    return ref.substring(ref.lastIndexOf('/') + 1);
  }
}
