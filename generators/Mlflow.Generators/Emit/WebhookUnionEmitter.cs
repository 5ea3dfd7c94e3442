using System.Linq;
using Mlflow.Generators.Helpers;
using Mlflow.Generators.Model;

namespace Mlflow.Generators.Emit
{
    /// <summary>
    /// Writes what varies with the spec's <c>webhooks</c> into Mlflow.Webhooks: the <c>WebhookEvent</c> members, the
    /// <c>WebhookPayload</c> cases with exhaustive <c>Match</c>/<c>Switch</c>, <c>TypeFor</c>, <c>ExampleFor</c> and the
    /// dispatch of <c>TryParse</c> by event; one payload type per event (System.Text.Json, no Kiota) and an open enum
    /// per string enum they use. The fixed parts (envelope parsing, <c>ToJson</c>, the field reader) are hand-written
    /// partials in src/Mlflow.Webhooks.
    /// </summary>
    internal static class WebhookUnionEmitter
    {
        private const string Json = "global::System.Text.Json";

        public static string HintName(UnionCasesPlan p) => GeneratedNamespaces.Webhooks + ".WebhookPayload.g.cs";

        public static string HintName(WebhookPayloadFile p) => GeneratedNamespaces.Webhooks + "." + p.Payload.SchemaName + ".g.cs";

        public static string HintName(WebhookEnumFile p) => GeneratedNamespaces.Webhooks + "." + p.Enum.SchemaName + ".g.cs";

        public static string Emit(UnionCasesPlan plan)
        {
            var w = new CodeWriter().Header();
            w.Open("namespace " + GeneratedNamespaces.Webhooks);
            EmitEvent(w, plan);
            w.Line();
            EmitPayload(w, plan);
            w.Close();
            return w.ToString();
        }

        private static string Param(WebhookCasePlan c) => Identifiers.Camel(c.CaseName);

        private static string Key(WebhookCasePlan c) => Identifiers.Literal(c.Entity + "." + c.Action);

        private static string Doc(WebhookCasePlan c) => "<c>" + Identifiers.Xml(c.Entity + "." + c.Action) + "</c>";

        private static void EmitEvent(CodeWriter w, UnionCasesPlan plan)
        {
            w.Open("public readonly partial record struct WebhookEvent");
            foreach (var c in plan.Cases)
            {
                w.Line("/// <summary>" + Doc(c) + ": " + Identifiers.Xml(c.Summary ?? "") + "</summary>");
                w.Line("public static WebhookEvent " + c.CaseName + " { get; } = new WebhookEvent(" + Identifiers.Literal(c.Entity) + ", " + Identifiers.Literal(c.Action) + ");");
                w.Line();
            }

            w.Line("/// <summary>Every event of the spec, in spec order.</summary>");
            w.Line("public static global::System.Collections.Generic.IReadOnlyList<WebhookEvent> All { get; } = new WebhookEvent[] { " + string.Join(", ", plan.Cases.Select(c => c.CaseName)) + " };");
            w.Close();
        }

        private static void EmitPayload(CodeWriter w, UnionCasesPlan plan)
        {
            w.Open("public abstract partial record WebhookPayload");
            var first = true;
            foreach (var c in plan.Cases)
            {
                if (!first)
                {
                    w.Line();
                }

                first = false;
                w.Line("/// <summary>" + Doc(c) + ": " + Identifiers.Xml(c.Summary ?? "") + "</summary>");
                w.Line("/// <param name=\"Data\">The payload.</param>");
                w.Open("public sealed record " + c.CaseName + "(" + c.PayloadSchema + " Data) : WebhookPayload");
                w.Line("/// <inheritdoc />");
                w.Line("public override WebhookEvent Event => WebhookEvent." + c.CaseName + ";");
                w.Line();
                w.Line("/// <inheritdoc />");
                w.Line("public override WebhookPayloadData DataModel => Data;");
                w.Close();
            }

            w.Line();
            w.Line("/// <summary>Calls the handler of this case and returns its result. Every case needs a handler.</summary>");
            w.Line("/// <typeparam name=\"TResult\">The result type.</typeparam>");
            foreach (var c in plan.Cases)
            {
                w.Line("/// <param name=\"" + Param(c) + "\">Handles " + Doc(c) + ".</param>");
            }

            w.Line("/// <returns>The handler's result.</returns>");
            w.Open("public TResult Match<TResult>(" + string.Join(", ", plan.Cases.Select(c => "global::System.Func<" + c.CaseName + ", TResult> " + Param(c))) + ")");
            w.Open("switch (this)");
            foreach (var c in plan.Cases)
            {
                w.Line("case " + c.CaseName + " x: return (" + Param(c) + " ?? throw new global::System.ArgumentNullException(nameof(" + Param(c) + ")))(x);");
            }

            w.Line("default: throw UnknownCase();");
            w.Close();
            w.Close();

            w.Line();
            w.Line("/// <summary>Calls the handler of this case. Every case needs a handler.</summary>");
            foreach (var c in plan.Cases)
            {
                w.Line("/// <param name=\"" + Param(c) + "\">Handles " + Doc(c) + ".</param>");
            }

            w.Open("public void Switch(" + string.Join(", ", plan.Cases.Select(c => "global::System.Action<" + c.CaseName + "> " + Param(c))) + ")");
            w.Open("switch (this)");
            foreach (var c in plan.Cases)
            {
                w.Line("case " + c.CaseName + " x: (" + Param(c) + " ?? throw new global::System.ArgumentNullException(nameof(" + Param(c) + ")))(x); return;");
            }

            w.Line("default: throw UnknownCase();");
            w.Close();
            w.Close();

            w.Line();
            TypeSwitch(w, plan, "TypeFor", "The payload type of an event (MLflow's <c>get_payload_class_for_event</c>), or null for an event the spec does not have.", "The type of the event's <c>data</c>, or null.", c => c.PayloadSchema);
            w.Line();
            TypeSwitch(w, plan, "CaseTypeFor", "The case type of an event (<c>WebhookPayload.ModelVersionCreated</c>, ...), or null when unknown.", "The case type, or null.", c => c.CaseName);
            w.Line();
            w.Line("/// <summary>");
            w.Line("/// The spec's example payload of an event (MLflow's <c>get_example_payload_for_event</c>), as its case, with");
            w.Line("/// <see cref=\"Timestamp\"/> at the Unix epoch. Every call returns new objects.");
            w.Line("/// </summary>");
            w.Line("/// <param name=\"webhookEvent\">The event.</param>");
            w.Line("/// <returns>The example.</returns>");
            w.Line("/// <exception cref=\"global::System.ArgumentException\">The event is not in the spec, or its payload has no example; the message names the event.</exception>");
            w.Open("public static WebhookPayload ExampleFor(WebhookEvent webhookEvent)");
            w.Open("switch (webhookEvent.ToString())");
            foreach (var c in plan.Cases)
            {
                w.Line(c.HasExample
                    ? "case " + Key(c) + ": return new " + c.CaseName + "(" + c.PayloadSchema + ".Example()) { Timestamp = global::System.DateTimeOffset.UnixEpoch };"
                    : "case " + Key(c) + ": throw NoExample(webhookEvent);");
            }

            w.Line("default: throw UnknownEvent(webhookEvent);");
            w.Close();
            w.Close();

            w.Line();
            w.Line("/// <summary>Reads a delivery's <c>data</c> object into the case of its event. Never throws for bad data; the error names fields, never values.</summary>");
            w.Line("/// <param name=\"entity\">The envelope's <c>entity</c>.</param>");
            w.Line("/// <param name=\"action\">The envelope's <c>action</c>.</param>");
            w.Line("/// <param name=\"data\">The envelope's <c>data</c>.</param>");
            w.Line("/// <param name=\"payload\">The case (timestamp and workspace unset), or null.</param>");
            w.Line("/// <param name=\"error\">Why the data was not read, or null.</param>");
            w.Line("/// <returns>True when the event is known and the data is an object with the payload's required fields, each of its type.");
            w.Line("/// Unknown fields are kept in <see cref=\"WebhookPayloadData.AdditionalData\"/>; enum values this SDK does not know are kept as they are.</returns>");
            w.Open("public static bool TryParse(string entity, string action, " + Json + ".JsonElement data, [global::System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out WebhookPayload? payload, [global::System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error)");
            w.Line("payload = null;");
            w.Open("if (!CanRead(entity, action, data, out error))");
            w.Line("return false;");
            w.Close();
            w.Open("try");
            w.Open("switch (entity + \".\" + action)");
            foreach (var c in plan.Cases)
            {
                w.Open("case " + Key(c) + ":");
                w.Open("if (" + c.PayloadSchema + ".TryRead(data, out var " + Param(c) + "Data, out error))");
                w.Line("payload = new " + c.CaseName + "(" + Param(c) + "Data);");
                w.Line("return true;");
                w.Close();
                w.Line("return false;");
                w.Close();
            }

            w.Line("default:");
            w.Line("    error = \"unknown webhook event '\" + entity + \".\" + action + \"'\";");
            w.Line("    return false;");
            w.Close();
            w.Close();
            w.Open("catch (global::System.Exception ex) when (ex is not global::System.OutOfMemoryException)");
            w.Line("error = ReadFailed(entity, action, ex);");
            w.Line("return false;");
            w.Close();
            w.Close();
            w.Close();
        }

        /// <summary>A static method mapping each event to a type of its case (payload or case type).</summary>
        private static void TypeSwitch(CodeWriter w, UnionCasesPlan plan, string name, string summary, string returns, System.Func<WebhookCasePlan, string> type)
        {
            w.Line("/// <summary>" + summary + "</summary>");
            w.Line("/// <param name=\"webhookEvent\">The event.</param>");
            w.Line("/// <returns>" + returns + "</returns>");
            w.Open("public static global::System.Type? " + name + "(WebhookEvent webhookEvent)");
            w.Open("switch (webhookEvent.ToString())");
            foreach (var c in plan.Cases)
            {
                w.Line("case " + Key(c) + ": return typeof(" + type(c) + ");");
            }

            w.Line("default: return null;");
            w.Close();
            w.Close();
        }

        public static string Emit(WebhookPayloadFile file)
        {
            var p = file.Payload;
            var w = new CodeWriter().Header();
            w.Open("namespace " + GeneratedNamespaces.Webhooks);
            w.Summary(p.Description, "The data of a webhook delivery.");
            w.Open("public sealed partial class " + p.SchemaName + " : WebhookPayloadData");
            foreach (var f in p.Fields)
            {
                w.Summary(f.Description, "The <c>" + f.WireName + "</c> field.");
                var required = f.Required && !f.Nullable && f.Kind != WebhookFieldKind.Json;
                w.Line("public " + (required ? "required " : "") + PropertyType(f, required) + " " + f.PropertyName + " { get; init; }");
                w.Line();
            }

            w.Line("private static readonly string[] DeclaredFields = { " + string.Join(", ", p.Fields.Select(f => Identifiers.Literal(f.WireName))) + " };");
            w.Line();
            w.Line("/// <summary>Reads the payload from a delivery's <c>data</c> object (no exception for bad data; the error names the field, never its value).</summary>");
            w.Line("/// <param name=\"data\">The <c>data</c> object.</param>");
            w.Line("/// <param name=\"value\">The payload, or null.</param>");
            w.Line("/// <param name=\"error\">Why the data does not fit, or null.</param>");
            w.Line("/// <returns>True when every required field is present and every declared field has its type.</returns>");
            w.Open("public static bool TryRead(" + Json + ".JsonElement data, [global::System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out " + p.SchemaName + "? value, [global::System.Diagnostics.CodeAnalysis.NotNullWhen(false)] out string? error)");
            w.Line("var reader = new WebhookDataReader(data, " + Identifiers.Literal(p.SchemaName) + ");");
            var i = 0;
            foreach (var f in p.Fields)
            {
                w.Line("var f" + i + " = reader." + ReadMethod(f) + "(" + Identifiers.Literal(f.WireName) + ", required: " + (f.Required ? "true" : "false") + ", nullable: " + (f.Nullable ? "true" : "false") + ");");
                i++;
            }

            w.Open("if (!reader.Succeeded(out error))");
            w.Line("value = null;");
            w.Line("return false;");
            w.Close();
            w.Line("value = new " + p.SchemaName);
            w.Line("{");
            w.Indent();
            i = 0;
            foreach (var f in p.Fields)
            {
                var required = f.Required && !f.Nullable && f.Kind != WebhookFieldKind.Json;
                w.Line(f.PropertyName + " = " + Convert(f, "f" + i, required) + ",");
                i++;
            }

            w.Line("AdditionalData = reader.Unknown(DeclaredFields),");
            w.Dedent();
            w.Line("};");
            w.Line("return true;");
            w.Close();

            if (p.ExampleJson != null)
            {
                w.Line();
                w.Line("/// <summary>The spec's example of this payload (a new object on every call).</summary>");
                w.Line("/// <returns>The example.</returns>");
                w.Line("public static " + p.SchemaName + " Example() => WebhookDataReader.Example<" + p.SchemaName + ">(" + Identifiers.Literal(p.ExampleJson) + ", TryRead);");
            }

            w.Line();
            w.Line("/// <inheritdoc />");
            w.Open("private protected override void WriteFields(" + Json + ".Utf8JsonWriter writer)");
            foreach (var f in p.Fields)
            {
                var required = f.Required && !f.Nullable && f.Kind != WebhookFieldKind.Json;
                w.Line("WebhookDataWriter." + WriteMethod(f) + (f.Kind == WebhookFieldKind.Enum ? "<" + f.EnumSchema + ">" : "") + "(writer, " + Identifiers.Literal(f.WireName) + ", " + f.PropertyName + (required ? "" : ", writeNull: " + (f.Required ? "true" : "false")) + ");");
            }

            w.Close();
            w.Close();
            w.Close();
            return w.ToString();
        }

        private static string BaseType(WebhookFieldPlan f)
        {
            switch (f.Kind)
            {
                case WebhookFieldKind.String: return "string";
                case WebhookFieldKind.Int32: return "int";
                case WebhookFieldKind.Int64: return "long";
                case WebhookFieldKind.Double: return "double";
                case WebhookFieldKind.Boolean: return "bool";
                case WebhookFieldKind.StringMap: return "global::System.Collections.Generic.IReadOnlyDictionary<string, string>";
                case WebhookFieldKind.Enum: return f.EnumSchema!;
                default: return Json + ".JsonElement";
            }
        }

        private static string PropertyType(WebhookFieldPlan f, bool required) => BaseType(f) + (required ? "" : "?");

        private static string ReadMethod(WebhookFieldPlan f)
        {
            switch (f.Kind)
            {
                case WebhookFieldKind.String: return "String";
                case WebhookFieldKind.Int32: return "Int32";
                case WebhookFieldKind.Int64: return "Int64";
                case WebhookFieldKind.Double: return "Double";
                case WebhookFieldKind.Boolean: return "Boolean";
                case WebhookFieldKind.StringMap: return "StringMap";
                case WebhookFieldKind.Enum: return "String";
                default: return "Json";
            }
        }

        private static string WriteMethod(WebhookFieldPlan f) => f.Kind == WebhookFieldKind.Enum ? "Enum" : ReadMethod(f);

        /// <summary>The reader answers nullable values; required ones are present once the reader succeeded.</summary>
        private static string Convert(WebhookFieldPlan f, string local, bool required)
        {
            if (f.Kind == WebhookFieldKind.Enum)
            {
                return required ? "new " + f.EnumSchema + "(" + local + "!)" : local + " is null ? null : new " + f.EnumSchema + "(" + local + ")";
            }

            if (!required)
            {
                return local;
            }

            return f.Kind == WebhookFieldKind.String || f.Kind == WebhookFieldKind.StringMap ? local + "!" : local + ".GetValueOrDefault()";
        }

        public static string Emit(WebhookEnumFile file)
        {
            var e = file.Enum;
            var n = e.SchemaName;
            var w = new CodeWriter().Header();
            w.Open("namespace " + GeneratedNamespaces.Webhooks);
            w.Line("/// <summary>");
            foreach (var raw in (string.IsNullOrWhiteSpace(e.Description) ? "A string value of a webhook payload." : e.Description!.Trim()).Split('\n'))
            {
                w.Line("/// " + Identifiers.Xml(raw.TrimEnd('\r')));
            }

            w.Line("/// An open set: a value a newer MLflow sends that this SDK does not know is kept as it is (<see cref=\"IsKnown\"/> false).");
            w.Line("/// </summary>");
            w.Line("/// <param name=\"value\">The wire value, e.g. <c>" + Identifiers.Xml(e.Members.Count > 0 ? e.Members[0].WireName : "") + "</c>.</param>");
            w.Open("public readonly partial struct " + n + "(string value) : global::System.IEquatable<" + n + ">");
            foreach (var m in e.Members)
            {
                w.Line("/// <summary><c>" + Identifiers.Xml(m.WireName) + "</c>.</summary>");
                w.Line("public static " + n + " " + m.CsName + " { get; } = new " + n + "(" + Identifiers.Literal(m.WireName) + ");");
                w.Line();
            }

            w.Line("/// <summary>The values the spec lists, in spec order.</summary>");
            w.Line("public static global::System.Collections.Generic.IReadOnlyList<" + n + "> Known { get; } = new " + n + "[] { " + string.Join(", ", e.Members.Select(m => m.CsName)) + " };");
            w.Line();
            w.Line("/// <summary>The wire value, exactly as MLflow sent it.</summary>");
            w.Line("public string Value { get; } = value ?? throw new global::System.ArgumentNullException(nameof(value));");
            w.Line();
            w.Line("/// <summary>True when the value is one the spec lists.</summary>");
            w.Line("public bool IsKnown => " + (e.Members.Count == 0 ? "false" : string.Join(" || ", e.Members.Select(m => "Value == " + Identifiers.Literal(m.WireName)))) + ";");
            w.Line();
            w.Line("/// <inheritdoc />");
            w.Line("public bool Equals(" + n + " other) => string.Equals(Value, other.Value, global::System.StringComparison.Ordinal);");
            w.Line();
            w.Line("/// <inheritdoc />");
            w.Line("public override bool Equals(object? obj) => obj is " + n + " other && Equals(other);");
            w.Line();
            w.Line("/// <inheritdoc />");
            w.Line("public override int GetHashCode() => Value is null ? 0 : global::System.StringComparer.Ordinal.GetHashCode(Value);");
            w.Line();
            w.Line("/// <summary>The wire value.</summary>");
            w.Line("/// <returns>The value.</returns>");
            w.Line("public override string ToString() => Value ?? string.Empty;");
            w.Line();
            w.Line("/// <summary>True when both hold the same wire value.</summary>");
            w.Line("/// <param name=\"left\">A value.</param>");
            w.Line("/// <param name=\"right\">Another value.</param>");
            w.Line("/// <returns>Whether they are equal.</returns>");
            w.Line("public static bool operator ==(" + n + " left, " + n + " right) => left.Equals(right);");
            w.Line();
            w.Line("/// <summary>True when the wire values differ.</summary>");
            w.Line("/// <param name=\"left\">A value.</param>");
            w.Line("/// <param name=\"right\">Another value.</param>");
            w.Line("/// <returns>Whether they differ.</returns>");
            w.Line("public static bool operator !=(" + n + " left, " + n + " right) => !left.Equals(right);");
            w.Close();
            w.Close();
            return w.ToString();
        }
    }
}
