package io.hypergrad.prep.table;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.feature.OneHotEncoder;
import org.apache.spark.ml.feature.StringIndexer;
import org.apache.spark.ml.feature.StringIndexerModel;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructType;

/**
 * Which columns of a table are the label, the features, the id and the split, checked against its
 * schema; and the MLlib stages that turn them into a label and a feature vector: StringIndexer
 * (categories in sorted order, as the Adult reference encodes) for string columns and a string
 * label, OneHotEncoder for one-hot categories, VectorAssembler for the scalar columns. A bad row
 * (a missing or non-finite value) is named in {@code _bad} with its field and reason; the stages
 * leave such rows be (they are dropped or reported before their values are used).
 */
final class TableColumns {
  static final String BAD = "_bad";
  static final String LABEL = "_label";
  static final String FEATURES = "_features";
  static final String ID = "_id";
  static final String SPLIT = "_split";
  static final String WEIGHT = "_weight";
  static final String GROUP = "_group";
  private static final String GROUP_INDEX = "_group_index";
  static final String CLEAN = "_clean";

  private final TableSpec spec;
  private final StructType schema;
  private final List<String> features;
  private final String vectorColumn;
  private final boolean labelIsString;
  private final String splitColumn;

  private TableColumns(TableSpec spec, StructType schema, List<String> features, String vectorColumn,
      boolean labelIsString, String splitColumn) {
    this.spec = spec;
    this.schema = schema;
    this.features = features;
    this.vectorColumn = vectorColumn;
    this.labelIsString = labelIsString;
    this.splitColumn = splitColumn;
  }

  static TableColumns resolve(TableSpec spec, StructType schema, SplitRule rule) {
    String where = TableReader.describe(spec);
    List<String> names = List.of(schema.fieldNames());
    String splitColumn = rule.method().equals("column") ? rule.column() : null;
    for (String c : nonNull(spec.label(), spec.id(), splitColumn, spec.cleanLabel(), spec.weight(), spec.group())) {
      require(names, c, where);
    }
    if (spec.group() != null && !integral(schema.apply(spec.group()).dataType())
        && !schema.apply(spec.group()).dataType().equals(DataTypes.StringType)) {
      throw new IllegalArgumentException(where + ": group column '" + spec.group() + "' is "
          + schema.apply(spec.group()).dataType().simpleString() + "; expected strings or integers");
    }
    DataType labelType = schema.apply(spec.label()).dataType();
    boolean labelIsString = labelType.equals(DataTypes.StringType);
    if (!labelIsString && !numeric(labelType)) {
      throw new IllegalArgumentException(where + ": label column '" + spec.label() + "' is " + labelType.simpleString()
          + "; expected a number or a string");
    }
    if (spec.id() != null && !integral(schema.apply(spec.id()).dataType())) {
      throw new IllegalArgumentException(where + ": id column '" + spec.id() + "' is "
          + schema.apply(spec.id()).dataType().simpleString() + "; expected an integer type");
    }
    if (spec.weight() != null && !numeric(schema.apply(spec.weight()).dataType())) {
      throw new IllegalArgumentException(where + ": weight column '" + spec.weight() + "' is "
          + schema.apply(spec.weight()).dataType().simpleString() + "; expected a number");
    }
    List<String> features = new ArrayList<>(spec.features());
    if (features.isEmpty()) {
      for (String c : names) {
        if (!c.equals(TableReader.FILE) && !c.equals(TableReader.BAD_READ)
            && !nonNull(spec.label(), spec.id(), splitColumn, spec.cleanLabel(), spec.weight(), spec.group()).contains(c)
            && !spec.exclude().contains(c)) {
          features.add(c);
        }
      }
      if (features.isEmpty()) {
        throw new IllegalArgumentException(where + ": no feature columns are left besides the label, id and excluded ones");
      }
    }
    for (String c : spec.exclude()) {
      require(names, c, where);
    }
    String vectorColumn = null;
    for (String c : features) {
      require(names, c, where);
      DataType t = schema.apply(c).dataType();
      if (t.equals(SQLDataTypes.VectorType())) {
        if (features.size() > 1) {
          throw new IllegalArgumentException(where + ": features mixes the vector column '" + c
              + "' with other columns; name one vector column, or scalar columns only");
        }
        vectorColumn = c;
      } else if (t.equals(DataTypes.StringType)) {
        if (!spec.categorical().contains(c)) {
          throw new IllegalArgumentException(where + ": feature column '" + c + "' holds strings; list it in "
              + "categorical to encode it, or leave it out of the features");
        }
      } else if (!numeric(t) && !t.equals(DataTypes.BooleanType)) {
        throw new IllegalArgumentException(where + ": feature column '" + c + "' is " + t.simpleString()
            + "; expected numbers, strings (categorical) or one ml.linalg vector column");
      }
    }
    for (String c : spec.categorical()) {
      if (!features.contains(c)) {
        throw new IllegalArgumentException(where + ": categorical column '" + c + "' is not among the features");
      }
    }
    return new TableColumns(spec, schema, List.copyOf(features), vectorColumn, labelIsString, splitColumn);
  }

  List<String> featureColumns() {
    return features;
  }

  String vectorColumn() {
    return vectorColumn;
  }

  /** Null for a good row, else "column: reason" for the first bad field. */
  Column badRow() {
    List<Column> checks = new ArrayList<>();
    if (List.of(schema.fieldNames()).contains(TableReader.BAD_READ)) {
      checks.add(functions.col(TableReader.BAD_READ));
    }
    checks.addAll(checks(spec.label(), schema.apply(spec.label()).dataType()));
    if (spec.id() != null) {
      checks.add(functions.when(functions.col(spec.id()).isNull(), functions.lit(spec.id() + ": missing")));
    }
    if (spec.group() != null) {
      checks.add(functions.when(functions.col(spec.group()).isNull(), functions.lit(spec.group() + ": missing")));
    }
    if (spec.weight() != null) {
      checks.addAll(checks(spec.weight(), schema.apply(spec.weight()).dataType()));
      Column w = functions.col(spec.weight()).cast(DataTypes.DoubleType);
      checks.add(functions.when(w.lt(0), functions.concat(functions.lit(spec.weight() + ": a negative weight ("),
          w.cast(DataTypes.StringType), functions.lit(")"))));
    }
    for (String c : features) {
      checks.addAll(checks(c, schema.apply(c).dataType()));
    }
    return checks.size() == 1 ? checks.get(0) : functions.coalesce(checks.toArray(Column[]::new));
  }

  private static List<Column> checks(String c, DataType t) {
    Column col = functions.col(c);
    List<Column> out = new ArrayList<>();
    out.add(functions.when(col.isNull(), functions.lit(c + ": missing or unreadable")));
    if (t.equals(DataTypes.DoubleType) || t.equals(DataTypes.FloatType)) {
      Column d = col.cast(DataTypes.DoubleType);
      out.add(functions.when(functions.isnan(d).or(functions.abs(d).equalTo(Double.POSITIVE_INFINITY)),
          functions.concat(functions.lit(c + ": not a finite number ("), d.cast(DataTypes.StringType), functions.lit(")"))));
    }
    return out;
  }

  /**
   * The MLlib stages fitted on the good rows, and what they learnt (the categories of each string
   * column; a string group column's names in index order, or null).
   */
  record Assembly(PipelineModel model, List<String> featureNames, Map<String, List<String>> encodings,
      List<String> groupNames) {}

  private boolean stringGroup() {
    return spec.group() != null && schema.apply(spec.group()).dataType().equals(DataTypes.StringType);
  }

  Assembly fit(Dataset<Row> good) {
    List<PipelineStage> stages = new ArrayList<>();
    List<String> assembled = new ArrayList<>();
    List<String> indexed = new ArrayList<>();
    List<String> indexedInputs = new ArrayList<>();
    List<String> encoded = new ArrayList<>();
    for (String c : features) {
      if (spec.categorical().contains(c)) {
        indexedInputs.add(c);
        indexed.add("_index_" + c);
        encoded.add("_onehot_" + c);
        assembled.add(spec.encoding().equals("onehot") ? "_onehot_" + c : "_index_" + c);
      } else if (!c.equals(vectorColumn)) {
        assembled.add(c);
      }
    }
    if (!indexed.isEmpty()) {
      // one indexer for every string column: one pass over the table
      stages.add(new StringIndexer().setInputCols(indexedInputs.toArray(String[]::new)).setOutputCols(indexed.toArray(String[]::new)).setStringOrderType("alphabetAsc")
          .setHandleInvalid("keep"));
    }
    if (spec.encoding().equals("onehot") && !indexed.isEmpty()) {
      // the indexers keep an extra last index for an invalid category (a bad row's); dropLast drops
      // its slot, so the K categories are one-hot and none of them is dropped
      stages.add(new OneHotEncoder().setInputCols(indexed.toArray(String[]::new))
          .setOutputCols(encoded.toArray(String[]::new)).setHandleInvalid("error").setDropLast(true));
    }
    if (vectorColumn == null) {
      stages.add(new VectorAssembler().setInputCols(assembled.toArray(String[]::new)).setOutputCol(FEATURES)
          .setHandleInvalid("keep"));
    }
    if (labelIsString) {
      stages.add(new StringIndexer().setInputCol(spec.label()).setOutputCol(LABEL).setStringOrderType("alphabetAsc")
          .setHandleInvalid("keep"));
    }
    if (stringGroup()) {
      stages.add(new StringIndexer().setInputCol(spec.group()).setOutputCol(GROUP_INDEX).setStringOrderType("alphabetAsc")
          .setHandleInvalid("keep"));
    }
    PipelineModel model = new Pipeline().setStages(stages.toArray(PipelineStage[]::new)).fit(good);
    Map<String, List<String>> encodings = new LinkedHashMap<>();
    List<String> groupNames = null;
    for (Transformer t : model.stages()) {
      if (t instanceof StringIndexerModel m) {
        String[] in = m.isSet(m.inputCols()) ? m.getInputCols() : new String[] {m.getInputCol()};
        for (int k = 0; k < in.length; k++) {
          if (stringGroup() && m.isSet(m.outputCol()) && m.getOutputCol().equals(GROUP_INDEX)) {
            groupNames = List.of(m.labelsArray()[k]);
          } else {
            encodings.put(in[k], List.of(m.labelsArray()[k]));
          }
        }
      }
    }
    List<String> names = new ArrayList<>();
    for (String c : features) {
      if (spec.categorical().contains(c) && spec.encoding().equals("onehot")) {
        for (String category : encodings.get(c)) {
          names.add(c + "=" + category);
        }
      } else if (!c.equals(vectorColumn)) {
        names.add(c);
      }
    }
    return new Assembly(model, names, encodings, groupNames);
  }

  /**
   * The table with the standard columns the ingest reads, in this order: {@code _bad}, {@code _file},
   * {@code _label}, {@code _features}, then {@code _id}, {@code _split}, {@code _weight}, {@code _clean}
   * when present.
   */
  Dataset<Row> standardColumns(Dataset<Row> withBad, Assembly assembly) {
    Dataset<Row> df = assembly.model().transform(withBad);
    // the file only where a bad row needs it: a string per good row would cost a conversion each
    Column file = functions.when(functions.col(BAD).isNotNull(), functions.col(TableReader.FILE));
    List<Column> cols = new ArrayList<>(List.of(functions.col(BAD), file.as(TableReader.FILE),
        labelIsString ? functions.col(LABEL) : functions.col(spec.label()).cast(DataTypes.DoubleType).as(LABEL),
        functions.col(vectorColumn != null ? vectorColumn : FEATURES).as(FEATURES)));
    if (spec.id() != null) {
      cols.add(functions.col(spec.id()).cast(DataTypes.LongType).as(ID));
    }
    if (splitColumn != null) {
      cols.add(functions.col(splitColumn).as(SPLIT));
    }
    if (spec.weight() != null) {
      cols.add(functions.col(spec.weight()).cast(DataTypes.DoubleType).as(WEIGHT));
    }
    if (spec.group() != null) {
      cols.add((stringGroup() ? functions.col(GROUP_INDEX) : functions.col(spec.group()).cast(DataTypes.DoubleType))
          .as(GROUP));
    }
    if (spec.cleanLabel() != null) {
      cols.add(functions.col(spec.cleanLabel()).cast(DataTypes.DoubleType).as(CLEAN));
    }
    return df.select(cols.toArray(Column[]::new));
  }

  boolean hasId() {
    return spec.id() != null;
  }

  boolean hasSplitColumn() {
    return splitColumn != null;
  }

  boolean hasGroup() {
    return spec.group() != null;
  }

  boolean hasWeight() {
    return spec.weight() != null;
  }

  boolean hasCleanLabel() {
    return spec.cleanLabel() != null;
  }

  private static boolean numeric(DataType t) {
    return t instanceof NumericType;
  }

  private static boolean integral(DataType t) {
    return t.equals(DataTypes.LongType) || t.equals(DataTypes.IntegerType) || t.equals(DataTypes.ShortType)
        || t.equals(DataTypes.ByteType);
  }

  private static void require(List<String> names, String c, String where) {
    if (!names.contains(c)) {
      throw new IllegalArgumentException(where + ": no column '" + c + "'; the table has " + names.stream()
          .filter(n -> !n.equals(TableReader.FILE)).toList());
    }
  }

  private static List<String> nonNull(String... names) {
    List<String> out = new ArrayList<>();
    for (String n : names) {
      if (n != null) {
        out.add(n);
      }
    }
    return out;
  }
}
