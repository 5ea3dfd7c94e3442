using System.Linq;
using Mlflow.Generators.Helpers;
using Mlflow.Generators.Model;

namespace Mlflow.Generators.Emit
{
    /// <summary>
    /// Writes <c>MlflowOperations</c>: one <c>MlflowOperation</c> per spec operation, linking the operationId to its
    /// request builder, its types and a delegate that builds the request from raw path and query values.
    /// </summary>
    internal static class CatalogEmitter
    {
        public static string HintName() => GeneratedNamespaces.Client + ".MlflowOperations.g.cs";

        public static string Emit(EquatableArray<CatalogEntryPlan> entries)
        {
            var s = TypeCode.Serialization;
            var factory = s + ".ParsableFactory<" + s + ".IParsable>";
            var qv = TypeCode.Runtime("QueryValues");
            var w = new CodeWriter().Header();
            w.Open("namespace " + GeneratedNamespaces.Client);
            // The lookup (All, Find) is hand-written: src/Mlflow.Client/Runtime/Operations/MlflowOperations.cs.
            w.Open("public static partial class MlflowOperations");
            w.Open("private static partial " + TypeCode.Generic + ".IReadOnlyList<MlflowOperation> Create()");
            w.Line("var list = new " + TypeCode.Generic + ".List<MlflowOperation>(" + entries.Count + ");");
            foreach (var e in entries)
            {
                var op = e.Operation;
                var bodyType = op.Body == null ? "null" : "typeof(" + RequestBuilderEmitter.BodyType(op.Body) + ")";
                // UntypedNode must be read with GetObjectValue<UntypedNode> (Kiota special-cases that type argument),
                // so untyped bodies and answers have no IParsable factory here; their Type says UntypedNode.
                var bodyFactory = op.Body != null && op.Body.Kind == BodyKind.Json && op.Body.Type.Kind == UseKind.Model
                    ? "(" + factory + ")" + TypeCode.CsType(op.Body.Type) + ".CreateFromDiscriminatorValue"
                    : "null";
                string responseType = "null", responseFactory = "null", reader = "null";
                switch (op.Response.Kind)
                {
                    case ResponseKind.Model:
                        var model = TypeCode.CsType(op.Response.Type!);
                        responseType = "typeof(" + model + ")";
                        responseFactory = "(" + factory + ")" + model + ".CreateFromDiscriminatorValue";
                        reader = "static n => n.GetObjectValue<" + model + ">(" + model + ".CreateFromDiscriminatorValue)";
                        break;
                    case ResponseKind.Collection:
                        var item = TypeCode.CsType(op.Response.Type!.Item!);
                        responseType = "typeof(" + item + ")";
                        responseFactory = "(" + factory + ")" + item + ".CreateFromDiscriminatorValue";
                        reader = "static n => new " + TypeCode.Generic + ".List<" + item + ">(n.GetCollectionOfObjectValues<" + item + ">(" + item + ".CreateFromDiscriminatorValue))";
                        break;
                    case ResponseKind.Untyped:
                        responseType = "typeof(" + TypeCode.Untyped + ")";
                        reader = "static n => " + TypeCode.WireRead + ".Raw(n)";
                        break;
                    case ResponseKind.Stream:
                        responseType = "typeof(global::System.IO.Stream)";
                        break;
                }

                var pathArgs = string.Concat(op.PathParameters.Select(p => ", " + Identifiers.Literal(p.SpecName) + ", " + Identifiers.Literal(p.TemplateVariable)));
                var bodyArg = op.Body == null ? null : "(" + RequestBuilderEmitter.BodyType(op.Body) + ")body!";
                var config = op.Query.Count == 0
                    ? null
                    : "c => { " + string.Concat(op.Query.Select(q => "c.QueryParameters." + q.CsName + " = " + QueryRead(q, qv) + "; ")) + "}";
                w.Line("list.Add(new MlflowOperation(");
                w.Line("    " + Identifiers.Literal(op.OperationId) + ", " + Identifiers.Literal(op.HttpMethod) + ", " + Identifiers.Literal(op.PathTemplate) + ", " + (op.Tag == null ? "null" : Identifiers.Literal(op.Tag)) + ",");
                w.Line("    typeof(" + TypeCode.Builder(e.Builder) + "),");
                w.Line("    new string[] { " + string.Join(", ", op.PathParameters.Select(p => Identifiers.Literal(p.SpecName))) + " },");
                w.Line("    new string[] { " + string.Join(", ", op.Query.Select(q => Identifiers.Literal(q.WireName))) + " },");
                w.Line("    " + (op.Body == null ? "null" : Identifiers.Literal(op.Body.ContentType)) + ", " + bodyType + ", " + bodyFactory + ",");
                w.Line("    " + TypeCode.ClientType("MlflowResponseKind") + "." + op.Response.Kind + ", " + responseType + ", " + responseFactory + ",");
                w.Line("    new " + TypeCode.Generic + ".Dictionary<string, " + factory + ">() { " + string.Concat(op.Errors.Select(x => "{ " + Identifiers.Literal(x.StatusKey) + ", " + TypeCode.Schema(x.ModelSchema) + ".CreateFromDiscriminatorValue }, ")) + "},");
                w.Line("    static (adapter, path, query, body) => new " + TypeCode.Builder(e.Builder) + "(" + qv + ".Path(adapter, path" + pathArgs + "), adapter)");
                var args = string.Join(", ", new[] { bodyArg, config }.Where(x => x != null));
                w.Line("        .To" + op.MethodName + "RequestInformation(" + args + "),");
                w.Line("    " + reader + ")" + (op.Since == null ? "" : " { Since = " + Identifiers.Literal(op.Since) + " }") + ");");
            }

            w.Line("return list;");
            w.Close();
            w.Close();
            w.Close();
            return w.ToString();
        }

        private static string QueryRead(QueryParameterPlan q, string qv)
        {
            var t = q.Type.Kind == UseKind.Array ? q.Type.Item! : q.Type;
            string parser;
            switch (t.Kind)
            {
                case UseKind.Int32: parser = qv + ".Int32"; break;
                case UseKind.Int64: parser = qv + ".Int64"; break;
                case UseKind.Double: parser = qv + ".Double"; break;
                case UseKind.Boolean: parser = qv + ".Boolean"; break;
                case UseKind.DateTime: parser = qv + ".DateTime"; break;
                case UseKind.Enum: parser = TypeCode.EnumWire(t) + ".TryParse"; break;
                default: parser = qv + ".String"; break;
            }

            var lit = Identifiers.Literal(q.WireName);
            if (q.Type.Kind == UseKind.Array)
            {
                return qv + ".Many<" + TypeCode.CsType(t) + ">(query, " + lit + ", " + parser + ")";
            }

            return t.Kind == UseKind.String ? qv + ".Text(query, " + lit + ")" : qv + ".One<" + TypeCode.CsType(t) + ">(query, " + lit + ", " + parser + ")";
        }
    }
}
