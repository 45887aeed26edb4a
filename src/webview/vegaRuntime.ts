/**
 * The part of Vega the panel runs: the dataflow, the parser, the view, the scales and the
 * transforms Vega-Lite's compiled specs use (vega-transforms, the view's and the encoders), as the
 * `vega` package assembles them, and Voronoi (the hover layers' nearest point); without the
 * transforms no chart here uses (geo, force, hierarchy, label, regression, word cloud, crossfilter). The whole package is the largest chunk the
 * first chart waits for; this is about three quarters of it. test/webview/vegaRuntime.test.ts checks
 * that every transform of every chart the panel draws is registered here.
 */
import { transforms, changeset } from 'vega-dataflow';
import * as encode from 'vega-encode';
import * as transformsOfData from 'vega-transforms';
import { extend, Error as ErrorLevel } from 'vega-util';
import * as transformsOfView from 'vega-view-transforms';
import * as voronoi from 'vega-voronoi';

extend(transforms, transformsOfData, transformsOfView, encode, voronoi);

export { View } from 'vega-view';
export { parse } from 'vega-parser';
export { scheme } from 'vega-scale';
export { changeset, ErrorLevel, transforms };
