using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;
using Mlflow.Generators.Helpers;
using Mlflow.Generators.Json;
using Mlflow.Generators.Model;

namespace Mlflow.Generators.Emit
{
    /// <summary>
    /// Writes the facade: one partial file per client and area with one async method per described operation, and a
    /// support file with the sub-client classes, their properties and the facade catalog. The fixed behaviour the
    /// methods share (paging, path parameters, not-found rules, conversions) is ordinary source in the runtime
    /// (<c>Mlflow.MlflowPageable&lt;T&gt;</c>, <c>Mlflow.FacadeSupport</c>); this emitter only writes what varies per operation.
    /// </summary>
    internal static class FacadeEmitter
    {
        private const string Task = "global::System.Threading.Tasks.Task";
        private const string Ct = "global::System.Threading.CancellationToken";
        private const string Support = "global::" + GeneratedNamespaces.Facade + ".FacadeSupport";
        private const string Pageable = "global::" + GeneratedNamespaces.Facade + ".MlflowPageable";
        private const string Page = "global::" + GeneratedNamespaces.Facade + ".Page";
        private const string Generic = TypeCode.Generic;

        public static string HintName(FacadeFilePlan f) => f.Client.Namespace + "." + f.Client.ClassName + "." + Identifiers.Pascal(f.Area) + ".g.cs";

        public static string SupportHintName(FacadeSupportPlan s) => s.Root.Namespace + "." + s.Root.ClassName + ".Facade.g.cs";

        // ------------------------------------------------------------------------------------------ types

        private static string ParameterType(FacadeParameterPlan p)
        {
            string type;
            if (p.Conversion == FacadeConversion.Dictionary)
            {
                type = Generic + ".IReadOnlyDictionary<string, string>";
            }
            else
            {
                switch (p.Type.Kind)
                {
                    case UseKind.Array: type = Generic + ".IEnumerable<" + TypeCode.CsType(p.Type.Item!) + ">"; break;
                    case UseKind.Map: type = Generic + ".IReadOnlyDictionary<string, " + TypeCode.CsType(p.Type.Item!) + ">"; break;
                    default: type = TypeCode.CsType(p.Type); break;
                }
            }

            return p.Required ? type : type + "?";
        }

        private static string ValueType(TypeUse t)
        {
            switch (t.Kind)
            {
                case UseKind.Array: return Generic + ".IReadOnlyList<" + TypeCode.CsType(t.Item!) + ">";
                case UseKind.Map: return Generic + ".IReadOnlyDictionary<string, " + TypeCode.CsType(t.Item!) + ">";
                default: return TypeCode.CsType(t);
            }
        }

        /// <summary>The C# type of the method's result (inside Task, or the pageable).</summary>
        private static string ResultType(FacadeMethodPlan m)
        {
            var r = m.Result;
            var nullable = m.NotFound != NotFoundBehavior.Throw;
            switch (r.Kind)
            {
                case FacadeResultKind.Whole: return TypeCode.CsType(r.Type!) + (nullable ? "?" : "");
                case FacadeResultKind.Field: return ValueType(r.Type!) + (nullable || r.Presence == Presence.Optional ? "?" : "");
                case FacadeResultKind.Collection: return Generic + ".IReadOnlyList<" + TypeCode.CsType(r.Type!.Item!) + ">";
                case FacadeResultKind.Untyped: return TypeCode.Untyped + "?";
                case FacadeResultKind.Stream: return "global::System.IO.Stream";
                case FacadeResultKind.Text: return "string";
                case FacadeResultKind.Paged: return Pageable + "<" + TypeCode.CsType(r.Type!) + ">";
                default: return "";
            }
        }

        private static string DefaultValue(FacadeParameterPlan p)
        {
            if (p.Default != FacadeDefaultKind.Constant || p.DefaultJson == null)
            {
                return "null";
            }

            if (p.DefaultMember != null)
            {
                return TypeCode.CsType(p.Type) + "." + p.DefaultMember;
            }

            var value = JsonReader.Parse(p.DefaultJson);
            switch (value)
            {
                case JsonString s: return Identifiers.Literal(s.Value);
                case JsonBool b: return b.Value ? "true" : "false";
                case JsonNumber n: return p.Type.Kind == UseKind.Double && n.Raw.IndexOfAny(new[] { '.', 'e', 'E' }) < 0 ? n.Raw + ".0" : n.Raw;
                default: return "null";
            }
        }

        // ------------------------------------------------------------------------------------------ files

        public static string Emit(FacadeFilePlan file)
        {
            var w = new CodeWriter().Header();
            w.Open("namespace " + file.Client.Namespace);
            w.Open("public sealed partial class " + file.Client.ClassName);
            var first = true;
            foreach (var m in file.Methods)
            {
                if (!first)
                {
                    w.Line();
                }

                first = false;
                if (m.Result.Kind == FacadeResultKind.Paged)
                {
                    EmitPaged(w, m);
                }
                else
                {
                    EmitPlain(w, m);
                }
            }

            w.Close();
            w.Close();
            return w.ToString();
        }

        private static IEnumerable<FacadeParameterPlan> Visible(FacadeMethodPlan m) => m.Parameters.Where(p => p.Visible);

        private static string Signature(FacadeMethodPlan m, string cancellationPrefix) =>
            string.Join(", ", Visible(m).Select(p => ParameterType(p) + " " + p.CsName + (p.Required ? "" : " = " + DefaultValue(p)))
                .Concat(new[] { cancellationPrefix + Ct + " cancellationToken = default" }));

        private static void Docs(CodeWriter w, FacadeMethodPlan m, string returns)
        {
            w.Line("/// <summary>");
            w.Line("/// " + DocText(m.Summary));
            w.Line("/// </summary>");
            var since = m.Since == null ? "" : "Since MLflow " + Identifiers.Xml(m.Since) + ". ";
            w.Line("/// <remarks>" + since + "Operation <c>" + Identifiers.Xml(m.OperationId) + "</c>: <c>" + Identifiers.Xml(m.HttpMethod + " " + m.Path) + "</c>.</remarks>");
            foreach (var p in Visible(m))
            {
                w.Line("/// <param name=\"" + p.CsName.TrimStart('@') + "\">" + DocText(p.Doc) + "</param>");
            }

            w.Line("/// <param name=\"cancellationToken\">Cancels the request" + (m.Result.Kind == FacadeResultKind.Paged ? "s (combined with the enumeration's token)" : "") + ".</param>");
            if (returns.Length > 0)
            {
                w.Line("/// <returns>" + returns + "</returns>");
            }

            w.Line("/// <exception cref=\"global::Mlflow.MlflowException\">MLflow answered with an error" + (m.NotFound == NotFoundBehavior.Throw ? "" : " other than not-found") + ", or could not be reached.</exception>");
            if (Visible(m).Any(p => p.Check != FacadeCheck.None))
            {
                w.Line("/// <exception cref=\"global::System.ArgumentException\">A required argument is null or empty; nothing is sent.</exception>");
            }

            if (m.Deprecated)
            {
                w.Line("[global::System.Obsolete(\"Deprecated in the MLflow API.\")]");
            }
        }

        /// <summary>Plain doc text: XML-escaped, <c>`code`</c> spans turned into &lt;c&gt; elements.</summary>
        private static string DocText(string text)
        {
            var escaped = Identifiers.Xml(text);
            var sb = new StringBuilder(escaped.Length + 16);
            var open = false;
            foreach (var c in escaped)
            {
                if (c == '`')
                {
                    sb.Append(open ? "</c>" : "<c>");
                    open = !open;
                }
                else
                {
                    sb.Append(c);
                }
            }

            if (open)
            {
                sb.Append("</c>");
            }

            return sb.ToString();
        }

        private static string ReturnsDoc(FacadeMethodPlan m)
        {
            var text = m.ReturnsDoc.Length > 0 ? DocText(m.ReturnsDoc) : "";
            switch (m.Result.Kind)
            {
                case FacadeResultKind.None:
                    return text.Length > 0 ? text : "A task that completes when MLflow has answered.";
                case FacadeResultKind.Paged:
                    return (text.Length > 0 ? text + " " : "The items, ") + "as a sequence that requests the pages as it is enumerated (<c>AsPages</c> walks them page by page).";
                default:
                    if (text.Length == 0)
                    {
                        text = m.Result.WireName != null ? "The answer's <c>" + Identifiers.Xml(m.Result.WireName) + "</c>." : "The answer.";
                    }

                    return m.NotFound == NotFoundBehavior.Throw ? text : text + " Null when it does not exist.";
            }
        }

        private static void EmitChecks(CodeWriter w, FacadeMethodPlan m)
        {
            foreach (var p in Visible(m))
            {
                switch (p.Check)
                {
                    case FacadeCheck.NotNullOrEmpty:
                        w.Line("global::System.ArgumentException.ThrowIfNullOrEmpty(" + p.CsName + ");");
                        break;
                    case FacadeCheck.NotNull:
                        w.Line("global::System.ArgumentNullException.ThrowIfNull(" + p.CsName + ");");
                        break;
                }
            }
        }

        /// <summary>The value expression for a parameter, converted to the member's wire type (lists copied once).</summary>
        private static string Value(FacadeParameterPlan p, string name)
        {
            if (p.Conversion == FacadeConversion.Dictionary)
            {
                var tag = TypeCode.CsType(p.Type.Item!);
                return Support + ".Tags(" + name + ", static (k, v) => new " + tag + " { Key = k, Value = v })";
            }

            switch (p.Type.Kind)
            {
                case UseKind.Array: return p.Target == FacadeTarget.Query ? Support + ".ToArray(" + name + ")" : Support + ".ToList(" + name + ")";
                case UseKind.Map: return Support + ".ToDictionary(" + name + ")";
                default: return name;
            }
        }

        private static bool IsValueType(TypeUse t) =>
            t.Kind == UseKind.Int32 || t.Kind == UseKind.Int64 || t.Kind == UseKind.Double || t.Kind == UseKind.Boolean || t.Kind == UseKind.Enum || t.Kind == UseKind.DateTime;

        private static bool NeedsCopy(FacadeParameterPlan p) => p.Conversion == FacadeConversion.Dictionary || p.Type.Kind == UseKind.Array || p.Type.Kind == UseKind.Map;

        /// <summary>Converted lists and dictionaries are taken once, before the call (a paged method reuses them for every page).</summary>
        private static Dictionary<string, string> EmitCopies(CodeWriter w, FacadeMethodPlan m)
        {
            var names = new Dictionary<string, string>();
            foreach (var p in m.Parameters.Where(p => p.Visible && p.Role == FacadePagingRole.None && NeedsCopy(p)))
            {
                var local = "facade" + char.ToUpperInvariant(p.CsName.TrimStart('@')[0]) + p.CsName.TrimStart('@').Substring(1);
                w.Line("var " + local + " = " + (p.Required ? Value(p, p.CsName) : p.CsName + " == null ? null : " + Value(p, p.CsName)) + ";");
                names[p.CsName] = local;
            }

            return names;
        }

        /// <summary>The statements that assign the body fields, on the variable <c>facadeBody</c>.</summary>
        private static void EmitBody(CodeWriter w, FacadeMethodPlan m, Dictionary<string, string> copies, string token, string size)
        {
            var whole = m.Parameters.FirstOrDefault(p => p.Target == FacadeTarget.WholeBody);
            var stream = m.Parameters.FirstOrDefault(p => p.Target == FacadeTarget.StreamBody);
            if (stream != null)
            {
                return;
            }

            if (whole != null)
            {
                if (whole.Type.Kind == UseKind.Array)
                {
                    w.Line("var facadeBody = " + copies[whole.CsName] + ";");
                }
                else
                {
                    w.Line("var facadeBody = " + whole.CsName + " ?? new " + TypeCode.Serialization + ".UntypedObject(new " + Generic + ".Dictionary<string, " + TypeCode.Untyped + ">());");
                }

                return;
            }

            if (m.BodyModel == null || m.BodyModel.Kind != UseKind.Model)
            {
                return;
            }

            w.Line("var facadeBody = new " + TypeCode.CsType(m.BodyModel) + "();");
            foreach (var p in m.Parameters.Where(p => p.Target == FacadeTarget.BodyField))
            {
                Assign(w, "facadeBody." + p.Member, p, copies, token, size, p.MemberPresence != Presence.Optional);
            }
        }

        private static void Assign(CodeWriter w, string target, FacadeParameterPlan p, Dictionary<string, string> copies, string token, string size, bool nonNullableMember)
        {
            if (p.Role == FacadePagingRole.PageToken)
            {
                w.Line(nonNullableMember ? "if (" + token + " != null) " + target + " = " + token + ";" : target + " = " + token + ";");
                return;
            }

            if (p.Role == FacadePagingRole.PageSize)
            {
                var cast = p.Type.Kind == UseKind.Int64 ? "(long)" : "";
                w.Line(nonNullableMember || cast.Length > 0 ? "if (" + size + " != null) " + target + " = " + cast + size + ".Value;" : target + " = " + size + ";");
                return;
            }

            var value = copies.TryGetValue(p.CsName, out var copy) ? copy : p.CsName;
            if (p.AndClause != null)
            {
                w.Line(target + " = " + Support + ".And(" + value + ", " + Identifiers.Literal(p.AndClause) + ");");
                return;
            }

            if (p.Default == FacadeDefaultKind.NowMillis)
            {
                w.Line(target + " = " + value + " ?? " + Support + ".NowMillis();");
            }
            else if (p.Required || !nonNullableMember)
            {
                w.Line(target + " = " + value + ";");
            }
            else
            {
                w.Line("if (" + value + " != null) " + target + " = " + value + (IsValueType(p.Type) ? ".Value" : "") + ";");
            }
        }

        /// <summary>The builder expression and the request-configuration lambda (query and headers), or "".</summary>
        private static (string Builder, string Config) Request(FacadeMethodPlan m, Dictionary<string, string> copies, string token, string size)
        {
            string builder;
            if (m.BuilderIsRoot)
            {
                builder = "new " + TypeCode.Builder(m.Builder) + "(RequestAdapter)";
            }
            else
            {
                var path = m.Parameters.Where(p => p.Target == FacadeTarget.Path).Select(p => "(" + Identifiers.Literal(p.Member) + ", " + p.CsName + ")");
                builder = "new " + TypeCode.Builder(m.Builder) + "(" + Support + ".PathParameters(RequestAdapter" + string.Concat(path.Select(x => ", " + x)) + "), RequestAdapter)";
            }

            var query = m.Parameters.Where(p => p.Target == FacadeTarget.Query).ToList();
            var headers = m.Parameters.Where(p => p.Target == FacadeTarget.Header).ToList();
            if (query.Count == 0 && headers.Count == 0)
            {
                return (builder, "");
            }

            var lines = new CodeWriter();
            foreach (var q in query)
            {
                Assign(lines, "facadeRequest.QueryParameters." + q.Member, q, copies, token, size, false);
            }

            foreach (var h in headers)
            {
                lines.Line(h.Required
                    ? "facadeRequest.Headers.Add(" + Identifiers.Literal(h.WireName) + ", " + h.CsName + ");"
                    : "if (" + h.CsName + " != null) facadeRequest.Headers.Add(" + Identifiers.Literal(h.WireName) + ", " + h.CsName + ");");
            }

            var body = lines.ToString().TrimEnd('\n').Split('\n').Select(l => l.Trim());
            return (builder, "facadeRequest => { " + string.Join(" ", body) + " }, ");
        }

        private static string BodyArgument(FacadeMethodPlan m)
        {
            var stream = m.Parameters.FirstOrDefault(p => p.Target == FacadeTarget.StreamBody);
            if (stream != null)
            {
                return stream.CsName + ", ";
            }

            return m.Parameters.Any(p => p.Target == FacadeTarget.WholeBody) || (m.BodyModel?.Kind == UseKind.Model) ? "facadeBody, " : "";
        }

        private static void EmitPlain(CodeWriter w, FacadeMethodPlan m)
        {
            var result = ResultType(m);
            Docs(w, m, ReturnsDoc(m));
            w.Open("public async " + (result.Length == 0 ? Task : Task + "<" + result + ">") + " " + m.Name + "Async(" + Signature(m, "") + ")");
            EmitChecks(w, m);
            var copies = EmitCopies(w, m);
            EmitBody(w, m, copies, "null", "null");
            var (builder, config) = Request(m, copies, "null", "null");
            var call = "await " + builder + "." + m.BuilderMethod + "(" + BodyArgument(m) + config + "cancellationToken: cancellationToken).ConfigureAwait(false);";
            var hasValue = m.Result.Kind != FacadeResultKind.None;
            var guarded = m.NotFound != NotFoundBehavior.Throw;
            if (guarded)
            {
                w.Open("try");
            }

            w.Line(hasValue ? "var facadeResponse = " + call : call);
            var missing = Support + ".NoAnswer(" + Identifiers.Literal(m.OperationId) + ")";
            switch (m.Result.Kind)
            {
                case FacadeResultKind.Whole:
                case FacadeResultKind.Stream:
                    w.Line("return facadeResponse ?? throw " + missing + ";");
                    break;
                case FacadeResultKind.Text:
                    w.Line("return await " + Support + ".ReadTextAsync(facadeResponse, cancellationToken).ConfigureAwait(false);");
                    break;
                case FacadeResultKind.Collection:
                    w.Line("return facadeResponse ?? new " + TypeCode.CsType(m.Result.Type!) + "();");
                    break;
                case FacadeResultKind.Untyped:
                    w.Line("return facadeResponse;");
                    break;
                case FacadeResultKind.Field:
                    w.Line(m.Result.Presence == Presence.Optional
                        ? "return facadeResponse?." + m.Result.Member + ";"
                        : "return (facadeResponse ?? throw " + missing + ")." + m.Result.Member + ";");
                    break;
            }

            if (guarded)
            {
                w.Close();
                w.Open("catch (global::Mlflow.MlflowException facadeError) when (" + Support + ".IsNotFound(facadeError, " + (m.NotFound == NotFoundBehavior.ReturnNullIncludingUnknownAlias ? "true" : "false") + "))");
                w.Line(hasValue ? "return null;" : "return;");
                w.Close();
            }

            w.Close();
        }

        private static void EmitPaged(CodeWriter w, FacadeMethodPlan m)
        {
            var p = m.Paging!;
            var item = TypeCode.CsType(p.ItemType);
            Docs(w, m, ReturnsDoc(m));
            w.Open("public " + ResultType(m) + " " + m.Name + "Async(" + Signature(m, "") + ")");
            EmitChecks(w, m);
            var copies = EmitCopies(w, m);
            var start = m.Parameters.FirstOrDefault(x => x.Visible && x.Role == FacadePagingRole.PageToken);
            var cap = m.Parameters.FirstOrDefault(x => x.Visible && x.Role == FacadePagingRole.PageSize);
            w.Line("return new " + Pageable + "<" + item + ">(" + Identifiers.Literal(m.OperationId) + ", async (facadeToken, facadeSize, facadeCancellation) =>");
            w.Line("{");
            using (new Indent(w))
            {
                EmitBody(w, m, copies, "facadeToken", "facadeSize");
                var (builder, config) = Request(m, copies, "facadeToken", "facadeSize");
                w.Line("var facadeResponse = await " + builder + "." + m.BuilderMethod + "(" + BodyArgument(m) + config + "cancellationToken: facadeCancellation).ConfigureAwait(false);");
                w.Line("return new " + Page + "<" + item + ">(facadeResponse?." + p.ItemsMember + " ?? (" + Generic + ".IReadOnlyList<" + item + ">)global::System.Array.Empty<" + item + ">(), " + Support + ".Token(facadeResponse?." + p.NextTokenMember + "));");
            }

            var capValue = cap == null ? "null" : cap.Type.Kind == UseKind.Int64 ? "(int?)" + cap.CsName : cap.CsName;
            w.Line("}, " + capValue + ", " + (start?.CsName ?? "null") + ", " + (p.DefaultPageSize?.ToString(CultureInfo.InvariantCulture) ?? "null") + ", cancellationToken);");
            w.Close();
        }

        /// <summary>Indents the writer for a block written without braces of its own.</summary>
        private readonly struct Indent : System.IDisposable
        {
            private readonly CodeWriter _w;

            public Indent(CodeWriter w)
            {
                _w = w;
                _w.Indent();
            }

            public void Dispose() => _w.Dedent();
        }

        // ------------------------------------------------------------------------------------------ support

        public static string EmitSupport(FacadeSupportPlan s)
        {
            var w = new CodeWriter().Header();
            w.Open("namespace " + s.Root.Namespace);
            w.Open("public sealed partial class " + s.Root.ClassName);
            foreach (var c in s.SubClients)
            {
                w.Line("/// <summary>" + DocText(c.Summary) + "</summary>");
                w.Line("public " + c.ClassName + " " + c.Property + " => field ??= new " + c.ClassName + "(this);");
                w.Line();
            }

            w.Close();
            foreach (var c in s.SubClients)
            {
                w.Line();
                w.Line("/// <summary>" + DocText(c.Summary) + " Reached through <see cref=\"" + s.Root.ClassName + "." + c.Property + "\"/>; shares its HTTP pipeline.</summary>");
                w.Line("[global::System.CodeDom.Compiler.GeneratedCode(\"Mlflow.Generators\", \"1.0.0\")]");
                w.Open("public sealed partial class " + c.ClassName);
                w.Line("private readonly " + s.Root.ClassName + " owner;");
                w.Line();
                w.Line("internal " + c.ClassName + "(" + s.Root.ClassName + " owner) => this.owner = owner;");
                w.Line();
                w.Line("/// <summary>The Kiota request adapter of the client this belongs to.</summary>");
                w.Line("public global::Microsoft.Kiota.Abstractions.IRequestAdapter RequestAdapter => owner.RequestAdapter;");
                w.Close();
            }

            w.Line();
            w.Line("/// <summary>What the generated facade covers: the operations with a method (and where) and the skipped ones with the reason.</summary>");
            w.Line("[global::System.CodeDom.Compiler.GeneratedCode(\"Mlflow.Generators\", \"1.0.0\")]");
            w.Open("public static class " + s.Root.ClassName + "FacadeCatalog");
            w.Line("/// <summary>The number of operations in the spec.</summary>");
            w.Line("public const int OperationCount = " + s.OperationCount + ";");
            w.Line();
            w.Line("/// <summary>The facade methods: operationId, client class, method name, and whether the facade description reviews it.</summary>");
            w.Line("public static global::System.Collections.Generic.IReadOnlyList<(string OperationId, string Client, string Method, bool Described)> Methods { get; } = new (string, string, string, bool)[]");
            w.Line("{");
            foreach (var e in s.Wrapped)
            {
                w.Line("    (" + Identifiers.Literal(e.OperationId) + ", " + Identifiers.Literal(e.Client) + ", " + Identifiers.Literal(e.Method) + ", " + (e.Described ? "true" : "false") + "),");
            }

            w.Line("};");
            w.Line();
            w.Line("/// <summary>The operationIds without a facade method, and why.</summary>");
            w.Line("public static global::System.Collections.Generic.IReadOnlyDictionary<string, string> Skipped { get; } = new global::System.Collections.Generic.Dictionary<string, string>");
            w.Line("{");
            foreach (var skip in s.Skipped)
            {
                w.Line("    [" + Identifiers.Literal(skip.OperationId) + "] = " + Identifiers.Literal(skip.Reason) + ",");
            }

            w.Line("};");
            w.Close();
            w.Close();
            return w.ToString();
        }
    }
}
