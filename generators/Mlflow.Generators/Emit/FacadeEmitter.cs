using System.Collections.Generic;
using System.Linq;
using Mlflow.Generators.Helpers;
using Mlflow.Generators.Model;

namespace Mlflow.Generators.Emit
{
    /// <summary>
    /// Writes the facade: one partial file per tag with one async method per operation (plus a page method for paged
    /// ones), and a support file with <c>Page&lt;T&gt;</c>, the facade catalog and the helpers the methods share.
    /// </summary>
    internal static class FacadeEmitter
    {
        private const string Task = "global::System.Threading.Tasks.Task";
        private const string Ct = "global::System.Threading.CancellationToken";

        public static string HintName(FacadeFilePlan f) => f.Namespace + "." + f.ClassName + ".Facade." + Identifiers.Pascal(f.Tag) + ".g.cs";

        public static string SupportHintName(FacadeSupportPlan s) => s.Namespace + "." + s.ClassName + ".Facade.g.cs";

        public static string Emit(FacadeFilePlan file)
        {
            var w = new CodeWriter().Header();
            w.Open("namespace " + file.Namespace);
            w.Open("public sealed partial class " + file.ClassName);
            var first = true;
            foreach (var m in file.Methods)
            {
                if (!first)
                {
                    w.Line();
                }

                first = false;
                if (m.Paging == null)
                {
                    EmitPlain(w, file, m);
                }
                else
                {
                    EmitPage(w, file, m);
                    w.Line();
                    EmitSequence(w, file, m);
                }
            }

            w.Close();
            w.Close();
            return w.ToString();
        }

        private static IEnumerable<FacadeParameterPlan> Visible(FacadeMethodPlan m) => m.Parameters.Where(p => p.Conversion != "bound");

        private static string Signature(IEnumerable<FacadeParameterPlan> parameters, string cancellation) =>
            string.Join(", ", parameters.Select(p => p.CsType + " " + p.CsName + (p.Required ? "" : " = null")).Concat(new[] { cancellation + Ct + " cancellationToken = default" }));

        private static void Docs(CodeWriter w, FacadeMethodPlan m, IEnumerable<FacadeParameterPlan> parameters, string? extra, string returns)
        {
            var summary = (m.Summary ?? m.OperationId).Trim();
            w.Summary(summary + (extra == null ? "" : "\n" + extra), m.OperationId);
            w.Line("/// <remarks>operationId <c>" + Identifiers.Xml(m.OperationId) + "</c>: " + Identifiers.Xml(m.HttpMethod + " " + m.Path) + ".</remarks>");
            foreach (var p in parameters)
            {
                var text = (p.Description ?? "").Replace("\r", " ").Replace("\n", " ").Trim();
                if (text.Length == 0)
                {
                    text = "The " + p.WireName + " " + (p.Target == FacadeTarget.Path ? "path parameter" : p.Target == FacadeTarget.Query ? "query parameter" : p.Target == FacadeTarget.Header ? "header" : "field") + ".";
                }

                w.Line("/// <param name=\"" + p.CsName.TrimStart('@') + "\">" + Identifiers.Xml(text) + "</param>");
            }

            w.Line("/// <param name=\"cancellationToken\">Cancels the request.</param>");
            if (returns.Length > 0)
            {
                w.Line("/// <returns>" + returns + "</returns>");
            }

            if (m.Deprecated)
            {
                w.Line("[global::System.Obsolete(\"Deprecated in the MLflow API.\")]");
            }
        }

        /// <summary>Statements that build the request and send it; the answer (if any) is in <c>response</c>.</summary>
        private static void EmitCall(CodeWriter w, FacadeMethodPlan m, bool withPageSizeDefault)
        {
            foreach (var p in m.Parameters.Where(p => p.Target == FacadeTarget.Path && p.Conversion != "bound"))
            {
                w.Line("global::System.ArgumentException.ThrowIfNullOrEmpty(" + p.CsName + ");");
            }

            var bodyArg = "";
            var model = m.Parameters.Where(p => p.Target == FacadeTarget.BodyField).ToList();
            var whole = m.Parameters.FirstOrDefault(p => p.Target == FacadeTarget.WholeBody);
            var stream = m.Parameters.FirstOrDefault(p => p.Target == FacadeTarget.Stream);
            if (stream != null)
            {
                w.Line("global::System.ArgumentNullException.ThrowIfNull(" + stream.CsName + ");");
                bodyArg = stream.CsName + ", ";
            }
            else if (whole != null)
            {
                if (whole.Conversion == "list")
                {
                    w.Line("var facadeBody = global::System.Linq.Enumerable.ToList(" + whole.CsName + " ?? throw new global::System.ArgumentNullException(nameof(" + whole.CsName + ")));");
                }
                else
                {
                    w.Line("var facadeBody = " + whole.CsName + " ?? new " + TypeCode.Serialization + ".UntypedObject(new global::System.Collections.Generic.Dictionary<string, " + TypeCode.Untyped + ">());");
                }

                bodyArg = "facadeBody, ";
            }
            else if (m.BodyType != null)
            {
                var sets = model.Select(p => p.Member + " = " + Convert(p, m, withPageSizeDefault));
                w.Line("var facadeBody = new " + m.BodyType + " { " + string.Join(", ", sets) + " };");
                bodyArg = "facadeBody, ";
            }

            var query = m.Parameters.Where(p => p.Target == FacadeTarget.Query).ToList();
            var headers = m.Parameters.Where(p => p.Target == FacadeTarget.Header).ToList();
            var config = "";
            if (query.Count > 0 || headers.Count > 0)
            {
                var parts = new List<string>();
                parts.AddRange(query.Select(p => "rc.QueryParameters." + p.Member + " = " + Convert(p, m, withPageSizeDefault) + ";"));
                parts.AddRange(headers.Select(p => p.Required
                    ? "rc.Headers.Add(" + Identifiers.Literal(p.WireName) + ", " + p.CsName + ");"
                    : "if (" + p.CsName + " != null) rc.Headers.Add(" + Identifiers.Literal(p.WireName) + ", " + p.CsName + ");"));
                config = "rc => { " + string.Join(" ", parts) + " }, ";
            }

            string builder;
            if (m.BuilderIsRoot)
            {
                builder = "new " + m.BuilderFullName + "(RequestAdapter)";
            }
            else
            {
                var path = m.Parameters.Where(p => p.Target == FacadeTarget.Path).Select(p => "(" + Identifiers.Literal(p.Member) + ", " + p.CsName + ")");
                builder = "new " + m.BuilderFullName + "(FacadePathParameters(" + string.Join(", ", path) + "), RequestAdapter)";
            }

            var call = "await " + builder + "." + m.BuilderMethod + "(" + bodyArg + config + "cancellationToken: cancellationToken).ConfigureAwait(false);";
            var returnsValue = m.Result.Kind != FacadeResultKind.None || m.Paging != null;
            w.Line(returnsValue ? "var facadeResponse = " + call : call);
        }

        private static string Convert(FacadeParameterPlan p, FacadeMethodPlan m, bool withPageSizeDefault)
        {
            var value = p.CsName;
            if (withPageSizeDefault && m.Paging?.DefaultMaxResults != null && p.CsName == m.Paging.MaxResultsParameter)
            {
                // Hand-written page size (see ExtrasPlanner.DefaultPageSizes): the server would otherwise not page.
                return value + " ?? " + m.Paging.DefaultMaxResults;
            }

            switch (p.Conversion)
            {
                case "list": return p.Required ? "global::System.Linq.Enumerable.ToList(" + value + ")" : value + " == null ? null : global::System.Linq.Enumerable.ToList(" + value + ")";
                case "dict": return p.Required ? "global::System.Linq.Enumerable.ToDictionary(" + value + ", static e => e.Key, static e => e.Value)" : value + " == null ? null : global::System.Linq.Enumerable.ToDictionary(" + value + ", static e => e.Key, static e => e.Value)";
                case "array": return p.Required ? "global::System.Linq.Enumerable.ToArray(" + value + ")" : value + " == null ? null : global::System.Linq.Enumerable.ToArray(" + value + ")";
                default: return value;
            }
        }

        private static void EmitPlain(CodeWriter w, FacadeFilePlan file, FacadeMethodPlan m)
        {
            var r = m.Result;
            var returnType = r.Kind == FacadeResultKind.None ? Task : Task + "<" + r.Type + ">";
            string returns;
            switch (r.Kind)
            {
                case FacadeResultKind.None: returns = "A task that completes when the server has answered."; break;
                case FacadeResultKind.Field: returns = "The answer's <c>" + Identifiers.Xml(r.FieldWire!) + "</c>" + (r.Fallback == "empty-list" || r.Fallback == "empty-map" ? " (empty when the server leaves it out)." : r.Fallback == "default" ? " (the proto default when the server leaves it out)." : "."); break;
                case FacadeResultKind.Stream: returns = "The response body; dispose it."; break;
                default: returns = "The answer."; break;
            }

            Docs(w, m, Visible(m), null, returns);
            w.Open("public async " + returnType + " " + m.Name + "Async(" + Signature(Visible(m), "") + ")");
            EmitCall(w, m, false);
            var missing = "FacadeMissing(" + Identifiers.Literal(m.OperationId) + ", " + (r.FieldWire == null ? "null" : Identifiers.Literal(r.FieldWire)) + ")";
            switch (r.Kind)
            {
                case FacadeResultKind.Whole:
                case FacadeResultKind.Stream:
                    w.Line("return facadeResponse ?? throw " + missing + ";");
                    break;
                case FacadeResultKind.Collection:
                    w.Line("return facadeResponse ?? new " + r.Type + "();");
                    break;
                case FacadeResultKind.Untyped:
                    w.Line("return facadeResponse;");
                    break;
                case FacadeResultKind.Field:
                    switch (r.Fallback)
                    {
                        case "required": w.Line("return facadeResponse?." + r.Field + " ?? throw " + missing + ";"); break;
                        case "empty-list":
                        case "empty-map": w.Line("return facadeResponse?." + r.Field + " ?? new " + r.Type + "();"); break;
                        case "default": w.Line("return facadeResponse?." + r.Field + " ?? default;"); break;
                        default: w.Line("return facadeResponse?." + r.Field + ";"); break;
                    }

                    break;
            }

            w.Close();
        }

        private static void EmitPage(CodeWriter w, FacadeFilePlan file, FacadeMethodPlan m)
        {
            var p = m.Paging!;
            var page = "global::" + file.Namespace + ".Page<" + p.ItemType + ">";
            Docs(w, m, Visible(m), "Returns one page; " + m.Name + "Async follows the page tokens.", "The page's items and the token of the next page (null on the last page).");
            w.Open("public async " + Task + "<" + page + "> " + m.Name + "PageAsync(" + Signature(Visible(m), "") + ")");
            EmitCall(w, m, true);
            w.Line("return new " + page + "((global::System.Collections.Generic.IReadOnlyList<" + p.ItemType + ">?)facadeResponse?." + p.ItemsMember + " ?? global::System.Array.Empty<" + p.ItemType + ">(), string.IsNullOrEmpty(facadeResponse?." + p.NextTokenMember + ") ? null : facadeResponse!." + p.NextTokenMember + ");");
            w.Close();
        }

        private static void EmitSequence(CodeWriter w, FacadeFilePlan file, FacadeMethodPlan m)
        {
            var p = m.Paging!;
            var parameters = Visible(m).Where(x => x.CsName != p.TokenParameter).ToList();
            Docs(w, m, parameters, "Enumerates every item, requesting the following pages as the enumeration proceeds (" + m.Name + "PageAsync gives one page).", "The items of all pages.");
            w.Open("public async global::System.Collections.Generic.IAsyncEnumerable<" + p.ItemType + "> " + m.Name + "Async(" + Signature(parameters, "[global::System.Runtime.CompilerServices.EnumeratorCancellation] ") + ")");
            w.Line("string? facadeToken = null;");
            w.Open("do");
            var args = parameters.Select(x => x.CsName + ": " + x.CsName).Concat(new[] { p.TokenParameter + ": facadeToken", "cancellationToken: cancellationToken" });
            w.Line("var facadePage = await " + m.Name + "PageAsync(" + string.Join(", ", args) + ").ConfigureAwait(false);");
            w.Open("foreach (var facadeItem in facadePage.Items)");
            w.Line("yield return facadeItem;");
            w.Close();
            w.Open("if (facadePage.NextPageToken != null && facadePage.NextPageToken == facadeToken)");
            w.Line("throw new global::System.InvalidOperationException(\"The server answered " + m.OperationId + " with the page token it was sent; stopping instead of looping.\");");
            w.Close();
            w.Line("facadeToken = facadePage.NextPageToken;");
            w.Close("while (facadeToken != null);");
            w.Close();
        }

        public static string EmitSupport(FacadeSupportPlan s)
        {
            var w = new CodeWriter().Header();
            w.Open("namespace " + s.Namespace);
            w.Line("/// <summary>One page of a paged MLflow list or search.</summary>");
            w.Line("/// <typeparam name=\"T\">The item type.</typeparam>");
            w.Line("/// <param name=\"Items\">The items of this page (possibly none, even when more pages follow).</param>");
            w.Line("/// <param name=\"NextPageToken\">The token of the next page, or null on the last page.</param>");
            w.Line("[global::System.CodeDom.Compiler.GeneratedCode(\"Mlflow.Generators\", \"1.0.0\")]");
            w.Open("public sealed record Page<T>(global::System.Collections.Generic.IReadOnlyList<T> Items, string? NextPageToken)");
            w.Line("/// <summary>True when another page follows.</summary>");
            w.Line("public bool HasMore => NextPageToken != null;");
            w.Close();
            w.Line();
            w.Line("/// <summary>What the generated facade of <see cref=\"" + s.ClassName + "\"/> covers: the wrapped operations and the skipped ones with the reason.</summary>");
            w.Line("[global::System.CodeDom.Compiler.GeneratedCode(\"Mlflow.Generators\", \"1.0.0\")]");
            w.Open("public static class " + s.ClassName + "FacadeCatalog");
            w.Line("/// <summary>The number of operations in the spec.</summary>");
            w.Line("public const int OperationCount = " + s.OperationCount + ";");
            w.Line();
            w.Line("/// <summary>The number of facade methods (a paged operation has two: the sequence and the page method).</summary>");
            w.Line("public const int MethodCount = " + s.MethodCount + ";");
            w.Line();
            w.Line("/// <summary>The operationIds that have a facade method.</summary>");
            w.Line("public static global::System.Collections.Generic.IReadOnlyList<string> Wrapped { get; } = new string[]");
            w.Line("{");
            foreach (var id in s.Wrapped)
            {
                w.Line("    " + Identifiers.Literal(id) + ",");
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
            w.Line();
            w.Open("public sealed partial class " + s.ClassName);
            w.Open("private global::System.Collections.Generic.Dictionary<string, object> FacadePathParameters(params (string Variable, string Value)[] values)");
            w.Line("var parameters = new global::System.Collections.Generic.Dictionary<string, object> { [\"baseurl\"] = RequestAdapter.BaseUrl ?? string.Empty };");
            w.Open("foreach (var (variable, value) in values)");
            w.Line("parameters[variable] = value;");
            w.Close();
            w.Line("return parameters;");
            w.Close();
            w.Line();
            w.Line("private static global::System.InvalidOperationException FacadeMissing(string operationId, string? field) =>");
            w.Line("    new global::System.InvalidOperationException(field == null");
            w.Line("        ? \"The server's answer to \" + operationId + \" has no body.\"");
            w.Line("        : \"The server's answer to \" + operationId + \" has no '\" + field + \"'.\");");
            w.Close();
            w.Close();
            return w.ToString();
        }
    }
}
