use taos_orm::TdTable;

#[derive(TdTable)]
#[taos(child = "wide")]
struct Wide {
    #[taos(ts)]
    ts: i64,
    value: f64,
    #[taos(tag)]
    t0: bool,
    #[taos(tag)]
    t1: bool,
    #[taos(tag)]
    t2: bool,
    #[taos(tag)]
    t3: bool,
    #[taos(tag)]
    t4: bool,
    #[taos(tag)]
    t5: bool,
    #[taos(tag)]
    t6: bool,
    #[taos(tag)]
    t7: bool,
    #[taos(tag)]
    t8: bool,
    #[taos(tag)]
    t9: bool,
    #[taos(tag)]
    t10: bool,
    #[taos(tag)]
    t11: bool,
    #[taos(tag)]
    t12: bool,
    #[taos(tag)]
    t13: bool,
    #[taos(tag)]
    t14: bool,
    #[taos(tag)]
    t15: bool,
    #[taos(tag)]
    t16: bool,
    #[taos(tag)]
    t17: bool,
    #[taos(tag)]
    t18: bool,
    #[taos(tag)]
    t19: bool,
    #[taos(tag)]
    t20: bool,
    #[taos(tag)]
    t21: bool,
    #[taos(tag)]
    t22: bool,
    #[taos(tag)]
    t23: bool,
    #[taos(tag)]
    t24: bool,
    #[taos(tag)]
    t25: bool,
    #[taos(tag)]
    t26: bool,
    #[taos(tag)]
    t27: bool,
    #[taos(tag)]
    t28: bool,
    #[taos(tag)]
    t29: bool,
    #[taos(tag)]
    t30: bool,
    #[taos(tag)]
    t31: bool,
    #[taos(tag)]
    t32: bool,
    #[taos(tag)]
    t33: bool,
    #[taos(tag)]
    t34: bool,
    #[taos(tag)]
    t35: bool,
    #[taos(tag)]
    t36: bool,
    #[taos(tag)]
    t37: bool,
    #[taos(tag)]
    t38: bool,
    #[taos(tag)]
    t39: bool,
    #[taos(tag)]
    t40: bool,
    #[taos(tag)]
    t41: bool,
    #[taos(tag)]
    t42: bool,
    #[taos(tag)]
    t43: bool,
    #[taos(tag)]
    t44: bool,
    #[taos(tag)]
    t45: bool,
    #[taos(tag)]
    t46: bool,
    #[taos(tag)]
    t47: bool,
    #[taos(tag)]
    t48: bool,
    #[taos(tag)]
    t49: bool,
    #[taos(tag)]
    t50: bool,
    #[taos(tag)]
    t51: bool,
    #[taos(tag)]
    t52: bool,
    #[taos(tag)]
    t53: bool,
    #[taos(tag)]
    t54: bool,
    #[taos(tag)]
    t55: bool,
    #[taos(tag)]
    t56: bool,
    #[taos(tag)]
    t57: bool,
    #[taos(tag)]
    t58: bool,
    #[taos(tag)]
    t59: bool,
    #[taos(tag)]
    t60: bool,
    #[taos(tag)]
    t61: bool,
    #[taos(tag)]
    t62: bool,
    #[taos(tag)]
    t63: bool,
    #[taos(tag)]
    t64: bool,
    #[taos(tag)]
    t65: bool,
    #[taos(tag)]
    t66: bool,
    #[taos(tag)]
    t67: bool,
    #[taos(tag)]
    t68: bool,
    #[taos(tag)]
    t69: bool,
    #[taos(tag)]
    t70: bool,
    #[taos(tag)]
    t71: bool,
    #[taos(tag)]
    t72: bool,
    #[taos(tag)]
    t73: bool,
    #[taos(tag)]
    t74: bool,
    #[taos(tag)]
    t75: bool,
    #[taos(tag)]
    t76: bool,
    #[taos(tag)]
    t77: bool,
    #[taos(tag)]
    t78: bool,
    #[taos(tag)]
    t79: bool,
    #[taos(tag)]
    t80: bool,
    #[taos(tag)]
    t81: bool,
    #[taos(tag)]
    t82: bool,
    #[taos(tag)]
    t83: bool,
    #[taos(tag)]
    t84: bool,
    #[taos(tag)]
    t85: bool,
    #[taos(tag)]
    t86: bool,
    #[taos(tag)]
    t87: bool,
    #[taos(tag)]
    t88: bool,
    #[taos(tag)]
    t89: bool,
    #[taos(tag)]
    t90: bool,
    #[taos(tag)]
    t91: bool,
    #[taos(tag)]
    t92: bool,
    #[taos(tag)]
    t93: bool,
    #[taos(tag)]
    t94: bool,
    #[taos(tag)]
    t95: bool,
    #[taos(tag)]
    t96: bool,
    #[taos(tag)]
    t97: bool,
    #[taos(tag)]
    t98: bool,
    #[taos(tag)]
    t99: bool,
    #[taos(tag)]
    t100: bool,
    #[taos(tag)]
    t101: bool,
    #[taos(tag)]
    t102: bool,
    #[taos(tag)]
    t103: bool,
    #[taos(tag)]
    t104: bool,
    #[taos(tag)]
    t105: bool,
    #[taos(tag)]
    t106: bool,
    #[taos(tag)]
    t107: bool,
    #[taos(tag)]
    t108: bool,
    #[taos(tag)]
    t109: bool,
    #[taos(tag)]
    t110: bool,
    #[taos(tag)]
    t111: bool,
    #[taos(tag)]
    t112: bool,
    #[taos(tag)]
    t113: bool,
    #[taos(tag)]
    t114: bool,
    #[taos(tag)]
    t115: bool,
    #[taos(tag)]
    t116: bool,
    #[taos(tag)]
    t117: bool,
    #[taos(tag)]
    t118: bool,
    #[taos(tag)]
    t119: bool,
    #[taos(tag)]
    t120: bool,
    #[taos(tag)]
    t121: bool,
    #[taos(tag)]
    t122: bool,
    #[taos(tag)]
    t123: bool,
    #[taos(tag)]
    t124: bool,
    #[taos(tag)]
    t125: bool,
    #[taos(tag)]
    t126: bool,
    #[taos(tag)]
    t127: bool,
    #[taos(tag)]
    t128: bool,
}

fn main() {}
